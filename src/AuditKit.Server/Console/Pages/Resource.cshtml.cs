using AuditKit.Server.AuditLogs;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/resources/{type}/{id}</c>: a resource's history, newest first, each event with its old/new
/// table — the resource history endpoint's query through the same parser and store call, keyset paged.
/// </summary>
internal sealed class ResourceModel(IAuditEventStore store, IOptions<AuditKitServerOptions> options, ConsoleActivityRecorder activity) : ConsoleTenantPageModel
{
    public const int PageSize = 50;

    /// <summary>The <c>resource_type</c> of the recorded page views.</summary>
    public const string ResourceType = "ResourceHistory";

    public string Type { get; private set; } = string.Empty;

    public string Id { get; private set; } = string.Empty;

    [BindProperty(SupportsGet = true, Name = "cursor")]
    public string? Cursor { get; set; }

    /// <summary>The events on the resource, newest first, each with its old/new rows.</summary>
    public IReadOnlyList<(AuditEvent Event, IReadOnlyList<ConsoleChange> Changes)> History { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(string type, string id, CancellationToken cancellationToken)
    {
        Type = type;
        Id = id;
        var parameters = new AuditLogQueryParameters
        {
            Cursor = string.IsNullOrWhiteSpace(Cursor) ? null : Cursor,
            Limit = PageSize.ToString(CultureInfo.InvariantCulture),
            IncludeTotal = "false",
        };

        // The resource history endpoint's own parsing: the path fixes type and id exactly.
        if (!AuditHistoryEndpoints.TryParse(parameters, options.Value, (q, errors) => q with
            {
                ResourceType = AuditHistoryEndpoints.Pin(errors, "resource", q.ResourceType, type),
                ResourceId = AuditHistoryEndpoints.Pin(errors, "resource_id", q.ResourceId, id),
            }, out var query, out var problem))
        {
            foreach (var (field, messages) in problem.ProblemDetails.Errors)
            {
                Errors[field] = messages;
            }

            return Page();
        }

        var page = await store.QueryAsync(TenantId, query, cancellationToken);
        History = [.. page.Items.Select(static e => (e, ConsoleChange.From(e)))];
        NextCursor = page.Next is { } next ? AuditCursorCodec.Encode(next) : null;
        await activity.RecordViewAsync(
            HttpContext, Caller, ResourceType, $"{type}/{id}", $"Viewed the history of {type} {id} in the console" + (Cursor is null ? "." : " (an older page)."), cancellationToken);
        return Page();
    }
}
