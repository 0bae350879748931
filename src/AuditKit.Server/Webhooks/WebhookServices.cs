using AuditKit.Server.Admin;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// What managing a tenant's webhooks takes from the services (the API's endpoints and the console's page): the store,
/// the secrets' protector, the address policy, the recorder of admin actions, the options, the clock and the loggers.
/// </summary>
internal sealed record WebhookServices(
    IWebhookStore Webhooks,
    WebhookSecretProtector Protector,
    WebhookAddressPolicy Addresses,
    AdminAuditRecorder Recorder,
    IOptions<WebhookOptions> Options,
    TimeProvider TimeProvider,
    ILoggerFactory LoggerFactory);
