using Microsoft.EntityFrameworkCore.Design;

namespace AuditKit.Server.Storage.Sqlite;

/// <summary>Lets the EF Core tools build <see cref="SqliteAuditDbContext"/> to scaffold its migrations.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAuditDbContext>
{
    public SqliteAuditDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAuditDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
