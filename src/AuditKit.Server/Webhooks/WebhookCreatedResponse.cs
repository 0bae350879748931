namespace AuditKit.Server.Webhooks;

/// <summary>A newly created webhook with its signing secret, shown this once.</summary>
internal sealed record WebhookCreatedResponse(
    Guid Id,
    string TenantId,
    string Url,
    AuditSeverity MinimumSeverity,
    string? Description,
    DateTimeOffset CreatedAt,
    string Secret);
