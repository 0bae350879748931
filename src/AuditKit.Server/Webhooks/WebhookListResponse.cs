namespace AuditKit.Server.Webhooks;

/// <summary>A tenant's webhooks, oldest first.</summary>
internal sealed record WebhookListResponse(IReadOnlyList<WebhookResponse> Items);
