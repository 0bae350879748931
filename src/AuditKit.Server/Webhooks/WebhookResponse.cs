namespace AuditKit.Server.Webhooks;

/// <summary>A webhook as the admin API lists it: never its secret.</summary>
internal sealed record WebhookResponse(Guid Id, string TenantId, string Url, AuditSeverity MinimumSeverity, string? Description, DateTimeOffset CreatedAt)
{
    public static WebhookResponse From(WebhookRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Id, row.TenantId, row.Url, row.MinimumSeverity, row.Description, row.CreatedAt);
    }
}
