using AuditKit.Server.Storage.Postgres;
using AuditKit.Server.Storage.Sqlite;

namespace AuditKit.Server.Storage;

/// <summary>Creates the configured provider's <see cref="AuditDbContext"/>.</summary>
internal sealed class AuditDbContextFactory(IServiceProvider services, IOptions<AuditStorageOptions> options) : IDbContextFactory<AuditDbContext>
{
    public AuditDbContext CreateDbContext() => options.Value.Provider == AuditStorageProvider.Postgres
        ? services.GetRequiredService<IDbContextFactory<PostgresAuditDbContext>>().CreateDbContext()
        : services.GetRequiredService<IDbContextFactory<SqliteAuditDbContext>>().CreateDbContext();
}
