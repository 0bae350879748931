using AuditKit.Server.AuditLogs;

namespace AuditKit.Server.Console;

/// <summary>
/// The Events page's filter form, sent as a GET query string. It is turned into the list API's own query parameters
/// (<see cref="ToQueryParameters"/>) and checked by the API's parser, so the console filters exactly as the API does.
/// </summary>
internal sealed class ConsoleEventFilter
{
    /// <summary>The time range presets, as sent by the form.</summary>
    public static IReadOnlyList<(string Value, string Label)> Ranges { get; } =
    [
        ("1h", "Last hour"),
        ("24h", "Last 24 hours"),
        ("7d", "Last 7 days"),
        ("all", "Any time"),
        ("custom", "Custom"),
    ];

    public const string DefaultRange = "24h";

    /// <summary>The format of <c>datetime-local</c> inputs; read as UTC.</summary>
    public const string LocalDateTimeFormat = "yyyy-MM-dd'T'HH:mm";

    [FromQuery(Name = "actor")]
    public string? Actor { get; set; }

    [FromQuery(Name = "action")]
    public string? Action { get; set; }

    [FromQuery(Name = "resource")]
    public string? Resource { get; set; }

    [FromQuery(Name = "status")]
    public string? Status { get; set; }

    [FromQuery(Name = "severity")]
    public string? Severity { get; set; }

    [FromQuery(Name = "range")]
    public string? Range { get; set; }

    [FromQuery(Name = "from")]
    public string? From { get; set; }

    [FromQuery(Name = "to")]
    public string? To { get; set; }

    [FromQuery(Name = "q")]
    public string? Q { get; set; }

    [FromQuery(Name = "cursor")]
    public string? Cursor { get; set; }

    /// <summary>The preset in effect (an unknown value falls back to <see cref="DefaultRange"/>).</summary>
    public string EffectiveRange => Ranges.Any(r => r.Value == Range) ? Range! : DefaultRange;

    /// <summary>
    /// The list API's parameters for this filter at <paramref name="now"/>; a custom time that is not a
    /// <c>datetime-local</c> value is added to <paramref name="errors"/> under its field.
    /// </summary>
    public AuditLogQueryParameters ToQueryParameters(DateTimeOffset now, int pageSize, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var parameters = new AuditLogQueryParameters
        {
            UserId = Actor,
            Action = Action,
            Resource = Resource,
            Status = Status,
            Severity = Severity,
            Search = Q,
            Cursor = string.IsNullOrWhiteSpace(Cursor) ? null : Cursor,
            Limit = pageSize.ToString(CultureInfo.InvariantCulture),
            IncludeTotal = "false",
        };

        switch (EffectiveRange)
        {
            case "1h":
                parameters.FromDate = Rfc3339(now.AddHours(-1));
                break;
            case "24h":
                parameters.FromDate = Rfc3339(now.AddDays(-1));
                break;
            case "7d":
                parameters.FromDate = Rfc3339(now.AddDays(-7));
                break;
            case "custom":
                parameters.FromDate = Custom("from", From, errors);
                parameters.ToDate = Custom("to", To, errors);
                break;
        }

        return parameters;
    }

    /// <summary>This filter's query string with <paramref name="cursor"/> (the next page's link), without empty fields.</summary>
    public Dictionary<string, string> RouteValues(string? cursor)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["actor"] = Actor,
            ["action"] = Action,
            ["resource"] = Resource,
            ["status"] = Status,
            ["severity"] = Severity,
            ["range"] = EffectiveRange,
            ["from"] = EffectiveRange == "custom" ? From : null,
            ["to"] = EffectiveRange == "custom" ? To : null,
            ["q"] = Q,
            ["cursor"] = cursor,
        };
        return values.Where(static p => !string.IsNullOrWhiteSpace(p.Value)).ToDictionary(static p => p.Key, static p => p.Value!, StringComparer.Ordinal);
    }

    private static string? Custom(string field, string? value, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTime.TryParseExact(value.Trim(), LocalDateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return Rfc3339(new DateTimeOffset(parsed, TimeSpan.Zero));
        }

        errors[field] = ["must be a date and time (UTC), e.g. 2026-01-31T09:30."];
        return null;
    }

    private static string Rfc3339(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
