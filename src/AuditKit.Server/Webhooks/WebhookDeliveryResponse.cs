namespace AuditKit.Server.Webhooks;

/// <summary>One entry of the delivery log.</summary>
internal sealed record WebhookDeliveryResponse(
    Guid Id,
    Guid WebhookId,
    Guid AlertId,
    string Url,
    WebhookDeliveryStatus Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    int? ResponseStatus,
    string? Error)
{
    public static WebhookDeliveryResponse From(WebhookDeliveryRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Id, row.WebhookId, row.AlertId, row.Url, row.Status, row.Attempts, row.CreatedAt, row.CompletedAt, row.ResponseStatus, row.Error);
    }
}
