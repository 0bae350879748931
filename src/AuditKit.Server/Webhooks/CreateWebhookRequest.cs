namespace AuditKit.Server.Webhooks;

/// <summary>The body of <c>POST /api/v1/admin/tenants/{tenantId}/webhooks</c>.</summary>
/// <param name="Url">Where to POST alerts: an absolute https URL (http only when the server allows it), without credentials.</param>
/// <param name="MinimumSeverity">LOW (default), MEDIUM, HIGH or CRITICAL: less severe alerts are not posted.</param>
/// <param name="Description">An optional label.</param>
internal sealed record CreateWebhookRequest(string? Url, string? MinimumSeverity, string? Description);
