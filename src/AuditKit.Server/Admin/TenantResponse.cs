namespace AuditKit.Server.Admin;

/// <summary>A tenant as the admin API shows it.</summary>
internal sealed record TenantResponse(string Id, string Name, DateTimeOffset CreatedAt);
