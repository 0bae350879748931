using AuditKit.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Alerts;

/// <summary><c>alerts</c>: one row per raised alert; at most one unresolved per tenant, rule and key.</summary>
internal sealed class AlertRowConfiguration : IEntityTypeConfiguration<AlertRow>
{
    public void Configure(EntityTypeBuilder<AlertRow> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);

        alerts.ToTable(DetectionModel.AlertsTable);
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
            .HasFilter(DetectionModel.UnresolvedPredicate)
            .HasDatabaseName(DetectionModel.UnresolvedAlertIndex);
        alerts.HasIndex(a => new { a.TenantId, a.LastSeen, a.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_alerts_tenant_last_seen");
        alerts.HasIndex(a => new { a.TenantId, a.Status, a.LastSeen, a.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_alerts_tenant_status_last_seen");
    }
}
