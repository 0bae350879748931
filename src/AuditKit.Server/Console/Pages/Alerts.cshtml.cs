using AuditKit.Server.Alerts;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/alerts</c>: the tenant's alert queue — open alerts by default, filtered by status, severity and
/// rule, most severe first, then most recently active — through the alert list endpoint's parser and store call.
/// </summary>
internal sealed class AlertsModel(IAlertStore alerts, IOptions<AuditKitServerOptions> options, ConsoleActivityRecorder activity) : ConsoleTenantPageModel
{
    public const int PageSize = 50;

    /// <summary>The status shown when the form names none.</summary>
    public const string DefaultStatus = "open";

    /// <summary>The <c>resource_type</c> of the recorded page views.</summary>
    public const string ResourceType = "Alert";

    /// <summary>The status choices, as sent by the form (<c>any</c>: no status filter).</summary>
    public static IReadOnlyList<(string Value, string Label)> Statuses { get; } =
    [
        ("open", "Open"),
        ("acknowledged", "Acknowledged"),
        ("unresolved", "Open or acknowledged"),
        ("resolved", "Resolved"),
        ("any", "Any"),
    ];

    [BindProperty(SupportsGet = true, Name = "status")]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "severity")]
    public string? Severity { get; set; }

    [BindProperty(SupportsGet = true, Name = "rule")]
    public string? Rule { get; set; }

    [BindProperty(SupportsGet = true, Name = "offset")]
    public string? Offset { get; set; }

    /// <summary>The status in effect.</summary>
    public string EffectiveStatus => string.IsNullOrWhiteSpace(Status) ? DefaultStatus : Status.Trim().ToLowerInvariant();

    public IReadOnlyList<AlertRow> Items { get; private set; } = [];

    public long Total { get; private set; }

    public int? NextOffset { get; private set; }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var parameters = new AlertQueryParameters
        {
            Status = EffectiveStatus == "any" ? null : EffectiveStatus,
            Severity = Severity,
            Rule = Rule,
            Sort = "severity",
            Limit = PageSize.ToString(CultureInfo.InvariantCulture),
            Offset = Offset,
        };
        if (!AlertQueryParser.TryParse(parameters, options.Value, out var query, out var errors))
        {
            foreach (var (field, messages) in errors)
            {
                Errors[field] = messages;
            }

            return Page();
        }

        (Items, Total) = await alerts.ListAsync(TenantId, query, cancellationToken);
        NextOffset = query.Offset + Items.Count < Total ? query.Offset + Items.Count : null;
        await activity.RecordViewAsync(HttpContext, Caller, ResourceType, "list", $"Listed alerts in the console ({Describe()}).", cancellationToken);
        return Page();
    }

    /// <summary>This filter's query string at <paramref name="offset"/>, without empty fields.</summary>
    public Dictionary<string, string> RouteValues(int offset)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["status"] = EffectiveStatus,
            ["severity"] = Severity,
            ["rule"] = Rule,
            ["offset"] = offset.ToString(CultureInfo.InvariantCulture),
        };
        return values.Where(static p => !string.IsNullOrWhiteSpace(p.Value)).ToDictionary(static p => p.Key, static p => p.Value!, StringComparer.Ordinal);
    }

    private string Describe() =>
        $"status {EffectiveStatus}"
        + (string.IsNullOrWhiteSpace(Severity) ? string.Empty : $", severity {Severity.Trim().ToUpperInvariant()}")
        + (string.IsNullOrWhiteSpace(Rule) ? string.Empty : $", rule {Rule.Trim().ToLowerInvariant()}");
}
