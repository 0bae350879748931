using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Alerts;

/// <summary><c>alerts</c>: one row per raised alert; at most one unresolved per tenant, rule and key.</summary>
internal sealed class AlertRowConfiguration : IEntityTypeConfiguration<AlertRow>
{
    public void Configure(EntityTypeBuilder<AlertRow> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);

        alerts.HasSnakeCaseTable(DetectionModel.AlertsTable, a => new { a.TenantId, a.Id });
        alerts.Property(a => a.Id).ValueGeneratedNever();
        alerts.Property(a => a.Severity).HasConversion<short>();
        alerts.Property(a => a.Status).HasConversion<short>();
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
