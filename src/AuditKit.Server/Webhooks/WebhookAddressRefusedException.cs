namespace AuditKit.Server.Webhooks;

/// <summary>A webhook's host resolved to an address that <see cref="WebhookAddressPolicy"/> refuses; nothing was sent.</summary>
internal sealed class WebhookAddressRefusedException : Exception
{
    public WebhookAddressRefusedException()
        : base("The webhook's host resolves to an address webhooks may not reach.")
    {
    }

    public WebhookAddressRefusedException(string message)
        : base(message)
    {
    }

    public WebhookAddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
