namespace AuditKit.Server.Storage;

/// <summary>
/// One row of <c>webhooks</c>: where a tenant's alerts are posted. The signing secret is stored encrypted (AES-256-GCM
/// under the server's webhook secret key), never in the clear, and never returned after creation.
/// </summary>
internal sealed class WebhookRow
{
    public required string TenantId { get; set; }
    public Guid Id { get; set; }
    public required string Url { get; set; }

    /// <summary>The encrypted signing secret (see <c>WebhookSecretProtector</c>).</summary>
    public required string SecretCiphertext { get; set; }

    /// <summary>Alerts below this severity are not posted.</summary>
    public AuditSeverity MinimumSeverity { get; set; }

    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
