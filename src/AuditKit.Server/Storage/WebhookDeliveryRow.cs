namespace AuditKit.Server.Storage;

/// <summary>
/// One row of <c>webhook_deliveries</c>: an alert to post to a webhook, written in the same transaction that raised
/// the alert (an outbox), then sent by the webhook dispatcher and kept as the delivery log.
/// </summary>
internal sealed class WebhookDeliveryRow
{
    public required string TenantId { get; set; }
    public Guid Id { get; set; }
    public Guid WebhookId { get; set; }
    public Guid AlertId { get; set; }
    public required string Url { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Set while one server instance sends it, so another does not send it too.</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
    public int? ResponseStatus { get; set; }
    public string? Error { get; set; }
}
