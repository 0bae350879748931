namespace AuditKit.Middleware;

/// <summary>
/// Gives a request event a severity when all of its conditions match. Every rule that matches is considered and the
/// highest severity wins, so adding a rule can only raise severities; clear
/// <see cref="AuditingOptions.SeverityRules"/> to replace the defaults.
/// </summary>
/// <remarks>
/// A rule with no condition matches every event. When an endpoint sets its own severity
/// (<see cref="AuditedAttribute.Severity"/>), only outcome rules (those with a status code condition) can raise it.
/// </remarks>
public sealed class AuditSeverityRule
{
    /// <summary>Matches when the event's action equals this value (UPPER_SNAKE_CASE), e.g. <c>LOGIN_FAILED</c>.</summary>
    public string? Action { get; set; }

    /// <summary>Matches when the request's method is one of these (case-insensitive), e.g. <c>POST</c>.</summary>
    public IList<string> Methods { get; set; } = [];

    /// <summary>Matches when the response status code is at least this value.</summary>
    public int? MinStatusCode { get; set; }

    /// <summary>Matches when the response status code is at most this value.</summary>
    public int? MaxStatusCode { get; set; }

    /// <summary>The severity given to a matching event.</summary>
    public AuditSeverity Severity { get; set; } = AuditSeverity.Low;

    /// <summary>The defaults: failed sign-in CRITICAL; 403 HIGH; 5xx HIGH; DELETE HIGH; other writes MEDIUM (reads fall to <see cref="AuditingOptions.DefaultSeverity"/>, LOW).</summary>
    public static IReadOnlyList<AuditSeverityRule> Defaults { get; } =
    [
        new() { Action = AuditActions.LoginFailed, Severity = AuditSeverity.Critical },
        new() { MinStatusCode = 403, MaxStatusCode = 403, Severity = AuditSeverity.High },
        new() { MinStatusCode = 500, MaxStatusCode = 599, Severity = AuditSeverity.High },
        new() { Methods = ["DELETE"], Severity = AuditSeverity.High },
        new() { Methods = ["POST", "PUT", "PATCH"], Severity = AuditSeverity.Medium },
    ];

    /// <summary>Whether the rule looks at the outcome (status code or action) rather than only at the method.</summary>
    internal bool IsOutcomeRule => MinStatusCode is not null || MaxStatusCode is not null || !string.IsNullOrEmpty(Action);

    internal AuditSeverityRule Clone() => new()
    {
        Action = Action,
        Methods = [.. Methods],
        MinStatusCode = MinStatusCode,
        MaxStatusCode = MaxStatusCode,
        Severity = Severity,
    };
}
