using AuditKit.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Webhooks;

/// <summary><c>webhooks</c>: a tenant's webhooks, removed with the tenant.</summary>
internal sealed class WebhookRowConfiguration : IEntityTypeConfiguration<WebhookRow>
{
    public void Configure(EntityTypeBuilder<WebhookRow> webhooks)
    {
        ArgumentNullException.ThrowIfNull(webhooks);

        webhooks.ToTable(DetectionModel.WebhooksTable);
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
    }
}

/// <summary><c>webhook_deliveries</c>: the delivery log, which is also the senders' work queue.</summary>
internal sealed class WebhookDeliveryRowConfiguration : IEntityTypeConfiguration<WebhookDeliveryRow>
{
    public void Configure(EntityTypeBuilder<WebhookDeliveryRow> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);

        deliveries.ToTable(DetectionModel.DeliveriesTable);
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
