using AuditKit.Server.Admin;
using AuditKit.Server.Auth;

namespace AuditKit.Server.Console;

/// <summary>
/// What managing a tenant's console users takes from the services (the API's endpoints and the console's Users page):
/// the user store, the recorder of admin actions, the clock, the sign-in options (the password rules) and the loggers.
/// </summary>
internal sealed record ConsoleUserServices(
    IConsoleUserStore Users,
    AdminAuditRecorder Recorder,
    TimeProvider TimeProvider,
    IOptions<ConsoleSignInOptions> Options,
    ILoggerFactory LoggerFactory);
