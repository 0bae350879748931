using AuditKit.Server.AuditLogs;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/events</c>: the tenant's events with the list API's filters, parsed by the API's parser and
/// read through the same store call, one keyset page at a time (the API's cursor).
/// </summary>
internal sealed class EventsModel(
    IAuditEventStore store,
    IOptions<AuditKitServerOptions> options,
    ConsoleActivityRecorder activity,
    TimeProvider timeProvider) : ConsoleTenantPageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public ConsoleEventFilter Filter { get; set; } = new();

    public IReadOnlyList<AuditEvent> Items { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var parameters = Filter.ToQueryParameters(timeProvider.GetUtcNow(), PageSize, Errors);
        if (!AuditQueryParser.TryParse(parameters, options.Value, out var query, out var errors))
        {
            foreach (var (field, messages) in errors)
            {
                Errors[field] = messages;
            }
        }

        if (Errors.Count > 0)
        {
            return Page();
        }

        var page = await store.QueryAsync(TenantId, query, cancellationToken);
        Items = page.Items;
        NextCursor = page.Next is { } next ? AuditCursorCodec.Encode(next) : null;
        await activity.RecordViewAsync(HttpContext, Caller, "AuditEvent", "list", $"Listed events in the console ({Describe()}).", cancellationToken);
        return Page();
    }

    /// <summary>The filter as recorded: which fields were set, not their values (a search text may be sensitive).</summary>
    private string Describe()
    {
        var set = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                set.Add(name);
            }
        }

        Add("actor", Filter.Actor);
        Add("action", Filter.Action);
        Add("resource", Filter.Resource);
        Add("status", Filter.Status);
        Add("severity", Filter.Severity);
        Add("q", Filter.Q);
        Add("cursor", Filter.Cursor);
        return $"range {Filter.EffectiveRange}" + (set.Count > 0 ? "; filtered by " + string.Join(", ", set) : string.Empty);
    }
}
