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
        events.ToTable(EventsTable);
        events.HasKey(e => new { e.TenantId, e.Id }).HasName("pk_audit_events");

        events.Property(e => e.TenantId).HasColumnName("tenant_id");
        events.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        events.Property(e => e.Timestamp).HasColumnName("timestamp");
        events.Property(e => e.ReceivedAt).HasColumnName("received_at");
        events.Property(e => e.Source).HasColumnName("source");
        events.Property(e => e.Action).HasColumnName("action");
        events.Property(e => e.Category).HasColumnName("category");
        events.Property(e => e.ResourceType).HasColumnName("resource_type");
        events.Property(e => e.ResourceId).HasColumnName("resource_id");
        events.Property(e => e.ResourceName).HasColumnName("resource_name");
        events.Property(e => e.UserId).HasColumnName("user_id");
        events.Property(e => e.Username).HasColumnName("username");
        events.Property(e => e.UserEmail).HasColumnName("user_email");
        events.Property(e => e.Status).HasColumnName("status").HasConversion<short>();
        events.Property(e => e.Severity).HasColumnName("severity").HasConversion<short>();
        events.Property(e => e.ServiceName).HasColumnName("service_name");
        events.Property(e => e.ServiceVersion).HasColumnName("service_version");
        events.Property(e => e.Method).HasColumnName("method");
        events.Property(e => e.Path).HasColumnName("path");
        events.Property(e => e.Route).HasColumnName("route");
        events.Property(e => e.Query).HasColumnName("query");
        events.Property(e => e.StatusCode).HasColumnName("status_code");
        events.Property(e => e.DurationMs).HasColumnName("duration_ms");
        events.Property(e => e.IpAddress).HasColumnName("ip_address");
        events.Property(e => e.UserAgent).HasColumnName("user_agent");
        events.Property(e => e.RequestId).HasColumnName("request_id");
        events.Property(e => e.TraceId).HasColumnName("trace_id");
        events.Property(e => e.SessionId).HasColumnName("session_id");
        events.Property(e => e.Description).HasColumnName("description");
        events.Property(e => e.ErrorCode).HasColumnName("error_code");
        events.Property(e => e.ErrorMessage).HasColumnName("error_message");
        events.Property(e => e.Changes).HasColumnName("changes").HasColumnType(JsonColumnType);
        events.Property(e => e.OldValues).HasColumnName("old_values").HasColumnType(JsonColumnType);
        events.Property(e => e.NewValues).HasColumnName("new_values").HasColumnType(JsonColumnType);
        events.Property(e => e.Metadata).HasColumnName("metadata").HasColumnType(JsonColumnType);
        events.Property(e => e.Tags).HasColumnName("tags").HasColumnType(JsonColumnType);
        events.Property(e => e.DataClassification).HasColumnName("data_classification");
        events.Property(e => e.Seq).HasColumnName("seq");
        events.Property(e => e.Hash).HasColumnName("hash");
        events.Property(e => e.Salt).HasColumnName("salt");
        events.Property(e => e.PersonalDigests).HasColumnName("personal_digests");
        events.Property(e => e.StackTrace).HasColumnName("stack_trace");
        events.Property(e => e.ActionCanonical).HasColumnName(AuditEventColumns.ActionCanonicalColumn);
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
        hourly.HasNoKey();
        hourly.Property(h => h.TenantId).HasColumnName("tenant_id");
        hourly.Property(h => h.Hour).HasColumnName("hour");
        hourly.Property(h => h.Action).HasColumnName("action");
        hourly.Property(h => h.Severity).HasColumnName("severity").HasConversion<short>();
        hourly.Property(h => h.Status).HasColumnName("status").HasConversion<short>();
        hourly.Property(h => h.ServiceName).HasColumnName("service_name");
        hourly.Property(h => h.EventCount).HasColumnName("event_count");
        var key = hourly.HasIndex(h => new { h.TenantId, h.Hour, h.Action, h.Severity, h.Status, h.ServiceName })
            .IsUnique()
            .HasDatabaseName("ux_audit_event_hourly");
        ConfigureHourlyForProvider(hourly, key);
    }

    private static void ConfigureChainHeads(EntityTypeBuilder<AuditChainHeadRow> heads)
    {
        heads.ToTable(ChainHeadsTable);
        heads.HasKey(h => h.TenantId).HasName("pk_audit_chain_heads");
        heads.Property(h => h.TenantId).HasColumnName("tenant_id");
        heads.Property(h => h.Seq).HasColumnName("seq");
        heads.Property(h => h.Hash).HasColumnName("hash");
    }

    private static void ConfigureTenants(EntityTypeBuilder<TenantRow> tenants)
    {
        tenants.ToTable("tenants");
        tenants.HasKey(t => t.Id).HasName("pk_tenants");
        tenants.Property(t => t.Id).HasColumnName("id");
        tenants.Property(t => t.Name).HasColumnName("name");
        tenants.Property(t => t.CreatedAt).HasColumnName("created_at");
    }

    private void ConfigureApiKeys(EntityTypeBuilder<ApiKeyRow> keys)
    {
        keys.ToTable("api_keys");
        keys.HasKey(k => k.Id).HasName("pk_api_keys");
        keys.Property(k => k.Id).HasColumnName("id").ValueGeneratedNever();
        keys.Property(k => k.TenantId).HasColumnName("tenant_id");
        keys.Property(k => k.Role).HasColumnName("role");
        keys.Property(k => k.KeyHash).HasColumnName("key_hash");
        keys.Property(k => k.Prefix).HasColumnName("prefix");
        keys.Property(k => k.Name).HasColumnName("name");
        keys.Property(k => k.CreatedAt).HasColumnName("created_at");
        keys.Property(k => k.RevokedAt).HasColumnName("revoked_at");
        keys.Property(k => k.AllowedTenants).HasColumnName("allowed_tenants").HasColumnType(JsonColumnType);
        keys.HasIndex(k => k.KeyHash).IsUnique().HasDatabaseName("ux_api_keys_key_hash");
        keys.HasIndex(k => k.TenantId).HasDatabaseName("ix_api_keys_tenant");
        keys.HasOne<TenantRow>().WithMany().HasForeignKey(k => k.TenantId)
            .HasConstraintName("fk_api_keys_tenants").OnDelete(DeleteBehavior.Cascade);
    }
}
