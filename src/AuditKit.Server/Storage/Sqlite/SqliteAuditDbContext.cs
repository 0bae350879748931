using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage.Sqlite;

/// <summary>
/// The model on the embedded SQLite file. Times are stored as INTEGER microseconds since the Unix epoch (UTC), so
/// they compare and sort as numbers; ids as upper-case TEXT, whose order is the UUID byte order PostgreSQL uses.
/// Full-text search is an FTS5 external-content table kept in sync by triggers (created by the migrations).
/// </summary>
internal sealed class SqliteAuditDbContext(DbContextOptions<SqliteAuditDbContext> options) : AuditDbContext(options)
{
    /// <summary>The FTS5 table indexing description, resource_name, error_message and path.</summary>
    public const string SearchTable = "audit_events_fts";

    protected override string JsonColumnType => "TEXT";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMicrosecondsConverter>();
    }

    protected override void ConfigureHourlyForProvider(EntityTypeBuilder<AuditEventHourlyRow> hourly, IndexBuilder<AuditEventHourlyRow> key)
    {
    }

    protected override void ConfigureEventsForProvider(EntityTypeBuilder<AuditEventRow> events)
    {
    }
}
