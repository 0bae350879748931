namespace AuditKit.Server.Webhooks;

/// <summary>One page of the delivery log, newest first.</summary>
internal sealed record WebhookDeliveryListResponse(IReadOnlyList<WebhookDeliveryResponse> Items, long Total, int Limit, int Offset);
