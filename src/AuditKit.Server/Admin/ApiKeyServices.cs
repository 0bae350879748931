using AuditKit.Server.Auth;

namespace AuditKit.Server.Admin;

/// <summary>
/// What managing a tenant's API keys takes from the services (the API's endpoints and the console's Keys page): the
/// tenant store, the recorder of admin actions, the key lookup (invalidated on a change), the admin options, the clock
/// and the loggers.
/// </summary>
internal sealed record ApiKeyServices(
    ITenantStore Tenants,
    AdminAuditRecorder Recorder,
    ApiKeyLookup KeyLookup,
    IOptions<AdminOptions> AdminOptions,
    TimeProvider TimeProvider,
    ILoggerFactory LoggerFactory);
