using AuditKit.Server.Alerts;
using AuditKit.Server.AuditLogs;
using AuditKit.Server.Detection;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/users/{userId}</c>: one user's timeline (newest first, the API's keyset cursor), the IP
/// addresses they acted from, their failed sign-ins and the alerts about them — the queries of the user activity,
/// IP history, failed authentication and alert list endpoints, through the same parsers and store calls.
/// </summary>
internal sealed class UserModel(
    IAuditEventStore store,
    IAlertStore alerts,
    IOptions<AuditKitServerOptions> options,
    ConsoleActivityRecorder activity) : ConsoleTenantPageModel
{
    public const int PageSize = 50;

    /// <summary>The <c>resource_type</c> of the recorded page views.</summary>
    public const string ResourceType = "UserActivity";

    /// <summary>How many IP addresses, failed sign-ins and alerts are shown.</summary>
    public const int SideListSize = 20;

    public string UserId { get; private set; } = string.Empty;

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    public IReadOnlyList<AuditEvent> Timeline { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public AuditEventGroupPage IpHistory { get; private set; } = new([], 0);

    public AuditEventPage FailedSignIns { get; private set; } = new([], 0, null);

    public IReadOnlyList<AlertRow> Alerts { get; private set; } = [];

    public long AlertTotal { get; private set; }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(string userId, CancellationToken cancellationToken)
    {
        UserId = userId;
        if (!Parse(new AuditLogQueryParameters { Cursor = Blank(Cursor), Limit = Text(PageSize), IncludeTotal = "false" }, userId, out var timeline)
            | !Parse(new AuditLogQueryParameters { Limit = Text(SideListSize) }, userId, out var side)
            | !AlertQueryParser.TryParse(
                new AlertQueryParameters { KeyType = AlertRules.UserKey, Key = userId, Limit = Text(SideListSize) }, options.Value, out var alertQuery, out var alertErrors))
        {
            foreach (var (field, messages) in alertErrors)
            {
                Errors[field] = messages;
            }

            return Page();
        }

        var page = await store.QueryAsync(TenantId, timeline, cancellationToken);
        Timeline = page.Items;
        NextCursor = page.Next is { } next ? AuditCursorCodec.Encode(next) : null;
        IpHistory = await store.GroupAsync(TenantId, side, AuditGroupField.IpAddress, AuditGroupOrder.LastSeen, cancellationToken);
        FailedSignIns = await store.QueryAsync(TenantId, side with { FailedAuthentication = true }, cancellationToken);
        (Alerts, AlertTotal) = await alerts.ListAsync(TenantId, alertQuery, cancellationToken);
        await activity.RecordViewAsync(
            HttpContext, Caller, ResourceType, userId, $"Viewed user {userId} in the console" + (Cursor is null ? "." : " (an older page)."), cancellationToken);
        return Page();
    }

    /// <summary>The user activity endpoint's own parsing: the path fixes the user id exactly.</summary>
    private bool Parse(AuditLogQueryParameters parameters, string userId, out AuditEventQuery query)
    {
        if (AuditHistoryEndpoints.TryParse(
            parameters, options.Value, (q, errors) => q with { UserId = AuditHistoryEndpoints.Pin(errors, "user_id", q.UserId, userId) }, out query, out var problem))
        {
            return true;
        }

        foreach (var (field, messages) in problem.ProblemDetails.Errors)
        {
            Errors[field] = messages;
        }

        return false;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
