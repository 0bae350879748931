using Microsoft.EntityFrameworkCore.Design;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>Lets the EF Core tools build <see cref="PostgresAuditDbContext"/> to scaffold its migrations (no connection is opened).</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAuditDbContext>
{
    public PostgresAuditDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAuditDbContext>().UseNpgsql("Host=127.0.0.1;Database=auditkit").Options);
}
