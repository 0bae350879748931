using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NpgsqlTypes;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// The model on PostgreSQL: JSON fields as jsonb with GIN (jsonb_path_ops: containment queries, smaller and faster to
/// maintain on ingest than the default operator class; partial, so the many events without values cost the index
/// nothing — a containment query implies NOT NULL, so it still uses them), and a stored, generated tsvector over description,
/// resource_name, error_message and path with a GIN index for full-text search.
/// </summary>
/// <remarks>
/// The text is cut into words at every character that is not a letter or digit before it is indexed, so
/// <c>/api/reports/monthly</c>, <c>alice@example.test</c> and <c>System.InvalidOperationException</c> are found by
/// their parts (PostgreSQL's parser would keep them whole as a path, e-mail or host), exactly as SQLite's FTS5
/// tokenizer does.
/// </remarks>
internal sealed class PostgresAuditDbContext(DbContextOptions<PostgresAuditDbContext> options) : AuditDbContext(options)
{
    /// <summary>The generated tsvector column.</summary>
    public const string SearchVectorColumn = "search_vector";

    /// <summary>
    /// The text search configuration: 'simple' (lower-cased words, no stemming, no stop words) because audit text
    /// mixes languages, identifiers and paths, and because it matches SQLite's FTS5 tokenizer word for word.
    /// </summary>
    public const string SearchConfiguration = "simple";

    /// <summary>PostgreSQL's built-in byte-order collation.</summary>
    public const string ByteOrderCollation = "C";

    protected override string JsonColumnType => "jsonb";

    protected override void ConfigureHourlyForProvider(EntityTypeBuilder<AuditEventHourlyRow> hourly, IndexBuilder<AuditEventHourlyRow> key)
    {
        // Keys sort byte by byte, as the events' do, so a summary cuts its lists at the same place from either source.
        hourly.Property(h => h.TenantId).UseCollation(ByteOrderCollation);
        hourly.Property(h => h.Action).UseCollation(ByteOrderCollation);
        hourly.Property(h => h.ServiceName).UseCollation(ByteOrderCollation);
        key.AreNullsDistinct(false);
    }

    protected override void ConfigureEventsForProvider(EntityTypeBuilder<AuditEventRow> events)
    {
        // The indexed, sortable text columns compare byte by byte, as SQLite does: lists sorted by action, user or
        // resource come out in the same order on both stores and whatever the database's locale.
        events.Property(e => e.TenantId).UseCollation(ByteOrderCollation);
        events.Property(e => e.Action).UseCollation(ByteOrderCollation);
        events.Property(e => e.ActionCanonical).UseCollation(ByteOrderCollation);
        events.Property(e => e.UserId).UseCollation(ByteOrderCollation);
        events.Property(e => e.ResourceType).UseCollation(ByteOrderCollation);
        events.Property(e => e.ResourceId).UseCollation(ByteOrderCollation);
        events.Property(e => e.IpAddress).UseCollation(ByteOrderCollation);

        events.Property<NpgsqlTsVector>("SearchVector")
            .HasColumnName(SearchVectorColumn)
            .HasComputedColumnSql(
                $"to_tsvector('{SearchConfiguration}'::regconfig, regexp_replace(coalesce(description, '') || ' ' || coalesce(resource_name, '') || ' ' || coalesce(error_message, '') || ' ' || coalesce(path, ''), '[^[:alnum:]]+', ' ', 'g'))",
                stored: true);
        events.HasIndex("SearchVector").HasMethod("gin").HasDatabaseName("ix_audit_events_search");
        // The time and user indexes also carry the columns summaries and IP histories group by, so those read the
        // index alone (index-only scans) instead of one heap page per event: a tenant's rows are spread over pages
        // shared with every other tenant.
        events.HasIndex(e => new { e.TenantId, e.Timestamp, e.Id })
            .IncludeProperties(e => new { e.Action, e.Severity, e.Status, e.ServiceName, e.UserId, e.IpAddress });

        // The indexes whose entries arrive in time order within a few groups (the whole tenant, its categories,
        // actions, canonical actions, severities) run ascending here: a new entry then goes to the end of its group,
        // where a B-tree page split keeps the left page full, instead of to the start of it, where every split leaves
        // two half-empty pages for good. They are about half the size, and the insert's CPU and WAL fall (see
        // docs/bench-ingest.md, "WAL, full-page images and index order"). A list in (timestamp, id) DESC order reads
        // them backwards, the same index plan. The IP, user and resource indexes stay as they are: their entries land
        // all over the index either way.
        events.HasIndex(e => new { e.TenantId, e.Timestamp, e.Id }).IsDescending(false, false, false);
        events.HasIndex(e => new { e.TenantId, e.Category, e.Timestamp, e.Id }).IsDescending(false, false, false, false);
        events.HasIndex(e => new { e.TenantId, e.Action, e.Timestamp, e.Id }).IsDescending(false, false, false, false);
        events.HasIndex(e => new { e.TenantId, e.ActionCanonical, e.Timestamp, e.Id }).IsDescending(false, false, false, false);
        events.HasIndex(e => new { e.TenantId, e.Severity, e.Timestamp, e.Id }).IsDescending(false, false, false, false);
        events.HasIndex(e => new { e.TenantId, e.UserId, e.Timestamp, e.Id })
            .IncludeProperties(e => new { e.IpAddress });
        events.HasIndex(e => e.OldValues).HasMethod("gin").HasOperators("jsonb_path_ops").HasFilter("old_values IS NOT NULL").HasDatabaseName("ix_audit_events_old_values");
        events.HasIndex(e => e.NewValues).HasMethod("gin").HasOperators("jsonb_path_ops").HasFilter("new_values IS NOT NULL").HasDatabaseName("ix_audit_events_new_values");
        events.HasIndex(e => e.Metadata).HasMethod("gin").HasOperators("jsonb_path_ops").HasFilter("metadata IS NOT NULL").HasDatabaseName("ix_audit_events_metadata");
    }
}
