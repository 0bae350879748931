using Microsoft.EntityFrameworkCore;

namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>The test provider's store: OpenIddict's applications, authorizations, scopes and tokens, in memory.</summary>
internal sealed class OpenIddictTestProviderDbContext(DbContextOptions<OpenIddictTestProviderDbContext> options) : DbContext(options);
