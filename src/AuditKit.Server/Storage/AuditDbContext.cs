using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage;

/// <summary>
/// The server's EF Core model: audit events, tenants and API keys. One model, two providers: each provider has a
/// subclass (<see cref="Postgres.PostgresAuditDbContext"/>, <see cref="Sqlite.SqliteAuditDbContext"/>) that adds
/// what only it can do and owns its own migrations set.
/// </summary>
/// <remarks>
/// Every primary key of the tenant data leads with <c>tenant_id</c> and so does every index, so the schema can be
/// distributed by tenant (Citus) unchanged. <c>tenants</c> and <c>api_keys</c> are small lookup tables (keys are
/// found by hash before the tenant is known) and would be reference tables there.
/// </remarks>
internal abstract class AuditDbContext(DbContextOptions options) : DbContext(options)
{
    public const string EventsTable = "audit_events";

    /// <summary>
    /// Counts of events per tenant, UTC hour, action, severity, status and service, which summaries read instead of
    /// every event of their range's whole hours. Kept by triggers on <see cref="EventsTable"/> (created by the
    /// migrations of each provider) that add what an INSERT stored, subtract what a DELETE removed and move what an
    /// UPDATE changed, in the same transaction: an insert skipped as a duplicate adds nothing, and any writer or
    /// delete (retention, a tenant's removal, by hand) keeps it right.
    /// </summary>
    public const string HourlyTable = "audit_event_hourly";

    public DbSet<AuditEventRow> Events => Set<AuditEventRow>();

    /// <summary>Each tenant's last chained event (seq, hash): see docs/integrity.md.</summary>
    public const string ChainHeadsTable = "audit_chain_heads";

    public DbSet<AuditChainHeadRow> ChainHeads => Set<AuditChainHeadRow>();

    public DbSet<TenantRow> Tenants => Set<TenantRow>();

    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ConfigureEvents(modelBuilder.Entity<AuditEventRow>());
        ConfigureTenants(modelBuilder.Entity<TenantRow>());
        ConfigureChainHeads(modelBuilder.Entity<AuditChainHeadRow>());
        ConfigureApiKeys(modelBuilder.Entity<ApiKeyRow>());
        ConfigureHourly(modelBuilder.Entity<AuditEventHourlyRow>());

        // Each slice configures its own tables (and detection its partial indexes of audit_events), so the model does
        // not depend on the slices that use it.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AuditDbContext).Assembly);
    }

    /// <summary>The provider's own column types and indexes for <c>audit_events</c>.</summary>
    protected abstract void ConfigureEventsForProvider(EntityTypeBuilder<AuditEventRow> events);

    /// <summary>The provider's additions to <c>audit_event_hourly</c>.</summary>
    protected abstract void ConfigureHourlyForProvider(EntityTypeBuilder<AuditEventHourlyRow> hourly, IndexBuilder<AuditEventHourlyRow> key);

    /// <summary>The provider's type for JSON columns.</summary>
    protected abstract string JsonColumnType { get; }

    private void ConfigureEvents(EntityTypeBuilder<AuditEventRow> events)
    {
        events.HasSnakeCaseTable(EventsTable, e => new { e.TenantId, e.Id });

        events.Property(e => e.Id).ValueGeneratedNever();
        events.Property(e => e.Status).HasConversion<short>();
        events.Property(e => e.Severity).HasConversion<short>();
        events.Property(e => e.Changes).HasColumnType(JsonColumnType);
        events.Property(e => e.OldValues).HasColumnType(JsonColumnType);
        events.Property(e => e.NewValues).HasColumnType(JsonColumnType);
        events.Property(e => e.Metadata).HasColumnType(JsonColumnType);
        events.Property(e => e.Tags).HasColumnType(JsonColumnType);
        events.HasIndex(e => new { e.TenantId, e.Seq }).IsUnique().HasDatabaseName("ux_audit_events_tenant_seq");

        // Ties are broken by id in every list, so id ends each index: a page is a plain index range scan, no sort.
        events.HasIndex(e => new { e.TenantId, e.Timestamp, e.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_audit_events_tenant_timestamp");
        events.HasIndex(e => new { e.TenantId, e.UserId, e.Timestamp, e.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_audit_events_tenant_user_timestamp");
        events.HasIndex(e => new { e.TenantId, e.ResourceType, e.ResourceId, e.Timestamp, e.Id })
            .IsDescending(false, false, false, true, true)
            .HasDatabaseName("ix_audit_events_tenant_resource_timestamp");
        events.HasIndex(e => new { e.TenantId, e.Category, e.Timestamp, e.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_audit_events_tenant_category_timestamp");
        events.HasIndex(e => new { e.TenantId, e.Action, e.Timestamp, e.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_audit_events_tenant_action_timestamp");
        events.HasIndex(e => new { e.TenantId, e.ActionCanonical, e.Timestamp, e.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_audit_events_tenant_action_canonical_timestamp");

        // The rows stored before the canonical action existed and not yet filled in (see AuditActionBackfill): empty
        // once they are, so it costs ingest nothing and tells the start-up there is nothing to do without a scan.
        events.HasIndex(e => new { e.TenantId, e.Action }, "ix_audit_events_action_canonical_pending")
            .HasFilter(AuditEventColumns.ActionCanonicalColumn + " IS NULL");
        events.HasIndex(e => new { e.TenantId, e.Severity, e.Timestamp, e.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_audit_events_tenant_severity_timestamp");
        events.HasIndex(e => new { e.TenantId, e.IpAddress, e.Timestamp, e.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_audit_events_tenant_ip_timestamp");

        ConfigureEventsForProvider(events);
    }

    private void ConfigureHourly(EntityTypeBuilder<AuditEventHourlyRow> hourly)
    {
        // No primary key: events without a service count under a NULL service_name, which a key cannot hold. The
        // unique index is the key (PostgreSQL treats its NULLs as equal; SQLite's triggers look rows up with IS).
        hourly.ToTable(HourlyTable);
        hourly.HasSnakeCaseColumns();
        hourly.HasNoKey();
        hourly.Property(h => h.Severity).HasConversion<short>();
        hourly.Property(h => h.Status).HasConversion<short>();
        var key = hourly.HasIndex(h => new { h.TenantId, h.Hour, h.Action, h.Severity, h.Status, h.ServiceName })
            .IsUnique()
            .HasDatabaseName("ux_audit_event_hourly");
        ConfigureHourlyForProvider(hourly, key);
    }

    private static void ConfigureChainHeads(EntityTypeBuilder<AuditChainHeadRow> heads)
    {
        heads.HasSnakeCaseTable(ChainHeadsTable, h => h.TenantId);
    }

    private static void ConfigureTenants(EntityTypeBuilder<TenantRow> tenants)
    {
        tenants.HasSnakeCaseTable("tenants", t => t.Id);
    }

    private void ConfigureApiKeys(EntityTypeBuilder<ApiKeyRow> keys)
    {
        keys.HasSnakeCaseTable("api_keys", k => k.Id);
        keys.Property(k => k.Id).ValueGeneratedNever();
        keys.Property(k => k.AllowedTenants).HasColumnType(JsonColumnType);
        keys.HasIndex(k => k.KeyHash).IsUnique().HasDatabaseName("ux_api_keys_key_hash");
        keys.HasIndex(k => k.TenantId).HasDatabaseName("ix_api_keys_tenant");
        keys.HasOne<TenantRow>().WithMany().HasForeignKey(k => k.TenantId)
            .HasConstraintName("fk_api_keys_tenants").OnDelete(DeleteBehavior.Cascade);
    }
}
