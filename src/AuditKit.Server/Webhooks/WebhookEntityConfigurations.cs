using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Webhooks;

/// <summary><c>webhooks</c>: a tenant's webhooks, removed with the tenant.</summary>
internal sealed class WebhookRowConfiguration : IEntityTypeConfiguration<WebhookRow>
{
    public void Configure(EntityTypeBuilder<WebhookRow> webhooks)
    {
        ArgumentNullException.ThrowIfNull(webhooks);

        webhooks.HasSnakeCaseTable(DetectionModel.WebhooksTable, w => new { w.TenantId, w.Id });
        webhooks.Property(w => w.Id).ValueGeneratedNever();
        webhooks.Property(w => w.MinimumSeverity).HasConversion<short>();
        webhooks.HasOne<TenantRow>().WithMany().HasForeignKey(w => w.TenantId)
            .HasConstraintName("fk_webhooks_tenants").OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary><c>webhook_deliveries</c>: the delivery log, which is also the senders' work queue.</summary>
internal sealed class WebhookDeliveryRowConfiguration : IEntityTypeConfiguration<WebhookDeliveryRow>
{
    public void Configure(EntityTypeBuilder<WebhookDeliveryRow> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);

        deliveries.HasSnakeCaseTable(DetectionModel.DeliveriesTable, d => new { d.TenantId, d.Id });
        deliveries.Property(d => d.Id).ValueGeneratedNever();
        deliveries.Property(d => d.Status).HasConversion<short>();
        deliveries.HasIndex(d => new { d.TenantId, d.WebhookId, d.CreatedAt, d.Id })
            .IsDescending(false, false, true, true)
            .HasDatabaseName("ix_webhook_deliveries_tenant_webhook_created");

        // The senders' work queue: only pending rows are in it, so it stays small however long the log grows.
        deliveries.HasIndex(d => new { d.TenantId, d.NextAttemptAt })
            .HasFilter("status = 0")
            .HasDatabaseName("ix_webhook_deliveries_pending");
    }
}
