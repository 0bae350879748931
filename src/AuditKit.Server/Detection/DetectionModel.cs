using AuditKit.Server.Alerts;
using AuditKit.Server.Storage;
using AuditKit.Server.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.Server.Detection;

/// <summary>
/// The tables of detection and alerting in the EF Core model: the outbox of batches waiting for evaluation, alerts, the
/// window state of the rules that keep some (user IPs, user days, user minutes), webhooks and their delivery log. Every key and index leads with
/// <c>tenant_id</c>, like the rest of the tenant data.
/// </summary>
internal static class DetectionModel
{
    public const string AlertsTable = "alerts";
    public const string OutboxTable = "detection_outbox";
    public const string UserIpsTable = "detection_user_ips";
    public const string UserDaysTable = "detection_user_days";
    public const string UserMinutesTable = "detection_user_minutes";
    public const string WebhooksTable = "webhooks";
    public const string DeliveriesTable = "webhook_deliveries";

    /// <summary>The partial unique index that allows one unresolved alert per tenant, rule and key.</summary>
    public const string UnresolvedAlertIndex = "ux_alerts_unresolved_rule_key";

    /// <summary>The predicate of <see cref="UnresolvedAlertIndex"/> (open or acknowledged), as both providers spell it.</summary>
    public const string UnresolvedPredicate = "status < 2";

    /// <summary>Failed logins (see <see cref="DetectionPredicates.FailedLoginSql"/>), unqualified, for partial indexes.</summary>
    public const string FailedLoginFilter = "action = 'LOGIN_FAILED' OR (action = 'LOGIN' AND status = 1)";

    /// <summary>Grants (see <see cref="DetectionPredicates.GrantSql"/>: the action part), unqualified, for a partial index.</summary>
    public const string GrantFilter = "action IN ('ROLE_ASSIGN', 'PERMISSION_GRANT')";

    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        // Partial indexes over the few events the window rules read by key, so a busy IP or user's failed logins,
        // deletes and exports are found without visiting every other event of theirs. Only matching rows are indexed,
        // so ingest pays for them on those rows alone.
        var events = modelBuilder.Entity<AuditEventRow>();
        events.HasIndex(e => new { e.TenantId, e.IpAddress, e.Timestamp })
            .HasFilter(FailedLoginFilter)
            .HasDatabaseName("ix_audit_events_failed_logins_ip");
        events.HasIndex(e => new { e.TenantId, e.UserId, e.Timestamp })
            .HasFilter(FailedLoginFilter)
            .HasDatabaseName("ix_audit_events_failed_logins_user");
        events.HasIndex(e => new { e.TenantId, e.UserId, e.Action, e.Timestamp })
            .HasFilter("action IN ('DELETE', 'EXPORT')")
            .HasDatabaseName("ix_audit_events_deletes_exports_user");

        // The same for grants (rule 7, read by grantee), HIGH and CRITICAL events by user (rules 5 and 7) and a tenant's
        // CRITICAL events (rule 5). Besides being small, they keep PostgreSQL's plans right when its statistics do not
        // know a tenant yet (a new tenant, or one that grew since the last ANALYZE): every index of audit_events leads
        // with tenant_id, so a one-row estimate for the tenant made them all look alike, and the planner could pick one
        // that walks all of the tenant's events for a rule's few (measured: 106 ms instead of 0.6 ms for a recount).
        events.HasIndex(e => new { e.TenantId, e.ResourceId, e.Timestamp }, "ix_audit_events_grants_resource")
            .HasFilter(GrantFilter);
        events.HasIndex(e => new { e.TenantId, e.UserId, e.Timestamp }, "ix_audit_events_high_user")
            .HasFilter("severity >= 2");
        events.HasIndex(e => new { e.TenantId, e.Timestamp }, "ix_audit_events_critical")
            .HasFilter("severity = 3");

        // No foreign key to tenants and no index beyond the key: ingest writes a row per batch and should pay for that
        // row alone, and the table only ever holds the batches of the last moments (the sweep reads it whole).
        var outbox = modelBuilder.Entity<DetectionOutboxRow>();
        outbox.ToTable(OutboxTable);
        outbox.HasKey(o => new { o.TenantId, o.Id }).HasName("pk_detection_outbox");
        outbox.Property(o => o.TenantId).HasColumnName("tenant_id");
        outbox.Property(o => o.Id).HasColumnName("id").ValueGeneratedNever();
        outbox.Property(o => o.CreatedAt).HasColumnName("created_at");
        outbox.Property(o => o.EventCount).HasColumnName("event_count");
        outbox.Property(o => o.EventIds).HasColumnName("event_ids");
        outbox.Property(o => o.ClaimedUntil).HasColumnName("claimed_until");
        outbox.Property(o => o.Attempts).HasColumnName("attempts");

        var alerts = modelBuilder.Entity<AlertRow>();
        alerts.ToTable(AlertsTable);
        alerts.HasKey(a => new { a.TenantId, a.Id }).HasName("pk_alerts");
        alerts.Property(a => a.TenantId).HasColumnName("tenant_id");
        alerts.Property(a => a.Id).HasColumnName("id").ValueGeneratedNever();
        alerts.Property(a => a.Rule).HasColumnName("rule");
        alerts.Property(a => a.KeyType).HasColumnName("key_type");
        alerts.Property(a => a.KeyValue).HasColumnName("key_value");
        alerts.Property(a => a.Severity).HasColumnName("severity").HasConversion<short>();
        alerts.Property(a => a.Status).HasColumnName("status").HasConversion<short>();
        alerts.Property(a => a.FirstSeen).HasColumnName("first_seen");
        alerts.Property(a => a.LastSeen).HasColumnName("last_seen");
        alerts.Property(a => a.EventCount).HasColumnName("event_count");
        alerts.Property(a => a.Evidence).HasColumnName("evidence");
        alerts.Property(a => a.Details).HasColumnName("details");
        alerts.Property(a => a.CreatedAt).HasColumnName("created_at");
        alerts.Property(a => a.UpdatedAt).HasColumnName("updated_at");
        alerts.Property(a => a.AcknowledgedAt).HasColumnName("acknowledged_at");
        alerts.Property(a => a.AcknowledgedBy).HasColumnName("acknowledged_by");
        alerts.Property(a => a.AcknowledgedNote).HasColumnName("acknowledged_note");
        alerts.Property(a => a.ResolvedAt).HasColumnName("resolved_at");
        alerts.Property(a => a.ResolvedBy).HasColumnName("resolved_by");
        alerts.Property(a => a.ResolvedNote).HasColumnName("resolved_note");
        alerts.HasIndex(a => new { a.TenantId, a.Rule, a.KeyType, a.KeyValue })
            .IsUnique()
            .HasFilter(UnresolvedPredicate)
            .HasDatabaseName(UnresolvedAlertIndex);
        alerts.HasIndex(a => new { a.TenantId, a.LastSeen, a.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_alerts_tenant_last_seen");
        alerts.HasIndex(a => new { a.TenantId, a.Status, a.LastSeen, a.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_alerts_tenant_status_last_seen");

        var userIps = modelBuilder.Entity<UserIpRow>();
        userIps.ToTable(UserIpsTable);
        userIps.HasKey(r => new { r.TenantId, r.UserId, r.IpAddress }).HasName("pk_detection_user_ips");
        userIps.Property(r => r.TenantId).HasColumnName("tenant_id");
        userIps.Property(r => r.UserId).HasColumnName("user_id");
        userIps.Property(r => r.IpAddress).HasColumnName("ip_address");
        userIps.Property(r => r.FirstSeen).HasColumnName("first_seen");
        userIps.Property(r => r.FirstEventId).HasColumnName("first_event_id");

        var userDays = modelBuilder.Entity<UserDayRow>();
        userDays.ToTable(UserDaysTable);
        userDays.HasKey(r => new { r.TenantId, r.UserId, r.Day }).HasName("pk_detection_user_days");
        userDays.Property(r => r.TenantId).HasColumnName("tenant_id");
        userDays.Property(r => r.UserId).HasColumnName("user_id");
        userDays.Property(r => r.Day).HasColumnName("day");

        var userMinutes = modelBuilder.Entity<UserMinuteRow>();
        userMinutes.ToTable(UserMinutesTable);
        userMinutes.HasKey(r => new { r.TenantId, r.UserId, r.Minute }).HasName("pk_detection_user_minutes");
        userMinutes.Property(r => r.TenantId).HasColumnName("tenant_id");
        userMinutes.Property(r => r.UserId).HasColumnName("user_id");
        userMinutes.Property(r => r.Minute).HasColumnName("minute");
        userMinutes.Property(r => r.EventCount).HasColumnName("event_count");

        var webhooks = modelBuilder.Entity<WebhookRow>();
        webhooks.ToTable(WebhooksTable);
        webhooks.HasKey(w => new { w.TenantId, w.Id }).HasName("pk_webhooks");
        webhooks.Property(w => w.TenantId).HasColumnName("tenant_id");
        webhooks.Property(w => w.Id).HasColumnName("id").ValueGeneratedNever();
        webhooks.Property(w => w.Url).HasColumnName("url");
        webhooks.Property(w => w.SecretCiphertext).HasColumnName("secret_ciphertext");
        webhooks.Property(w => w.MinimumSeverity).HasColumnName("minimum_severity").HasConversion<short>();
        webhooks.Property(w => w.Description).HasColumnName("description");
        webhooks.Property(w => w.CreatedAt).HasColumnName("created_at");
        webhooks.HasOne<TenantRow>().WithMany().HasForeignKey(w => w.TenantId)
            .HasConstraintName("fk_webhooks_tenants").OnDelete(DeleteBehavior.Cascade);

        var deliveries = modelBuilder.Entity<WebhookDeliveryRow>();
        deliveries.ToTable(DeliveriesTable);
        deliveries.HasKey(d => new { d.TenantId, d.Id }).HasName("pk_webhook_deliveries");
        deliveries.Property(d => d.TenantId).HasColumnName("tenant_id");
        deliveries.Property(d => d.Id).HasColumnName("id").ValueGeneratedNever();
        deliveries.Property(d => d.WebhookId).HasColumnName("webhook_id");
        deliveries.Property(d => d.AlertId).HasColumnName("alert_id");
        deliveries.Property(d => d.Url).HasColumnName("url");
        deliveries.Property(d => d.Status).HasColumnName("status").HasConversion<short>();
        deliveries.Property(d => d.Attempts).HasColumnName("attempts");
        deliveries.Property(d => d.CreatedAt).HasColumnName("created_at");
        deliveries.Property(d => d.NextAttemptAt).HasColumnName("next_attempt_at");
        deliveries.Property(d => d.ClaimedUntil).HasColumnName("claimed_until");
        deliveries.Property(d => d.CompletedAt).HasColumnName("completed_at");
        deliveries.Property(d => d.ResponseStatus).HasColumnName("response_status");
        deliveries.Property(d => d.Error).HasColumnName("error");
        deliveries.HasIndex(d => new { d.TenantId, d.WebhookId, d.CreatedAt, d.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_webhook_deliveries_tenant_webhook_created");

        // The senders' work queue: only pending rows are in it, so it stays small however long the log grows.
        deliveries.HasIndex(d => new { d.TenantId, d.NextAttemptAt })
            .HasFilter("status = 0")
            .HasDatabaseName("ix_webhook_deliveries_pending");
    }
}
