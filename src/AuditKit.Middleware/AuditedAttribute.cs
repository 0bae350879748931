namespace AuditKit.Middleware;

/// <summary>
/// Marks an endpoint (controller, action or minimal API handler) as audited and says how: its action, the resource it
/// acts on and its severity. Applied with <c>[Audited(...)]</c> or <c>.WithAuditing(...)</c>; an endpoint so marked is
/// recorded in every <see cref="AuditingMode"/>. Later metadata (the method over the class, the endpoint over its
/// group) overrides what it sets.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class AuditedAttribute : Attribute
{
    private string? _action;
    private AuditSeverity _severity;

    /// <summary>
    /// The action recorded instead of the one derived from the HTTP method, e.g. <c>ROLE_ASSIGN</c> (see
    /// <see cref="AuditActions"/>); normalized to UPPER_SNAKE_CASE. An endpoint whose action is <c>LOGIN</c> records
    /// <c>LOGIN_FAILED</c> when it answers with a failure.
    /// </summary>
    /// <exception cref="ArgumentException">The value cannot be made UPPER_SNAKE_CASE.</exception>
    public string? Action
    {
        get => _action;
        set => _action = value is null ? null : NormalizeAction(value);
    }

    /// <summary>The kind of resource the endpoint acts on (recorded as <c>resource_type</c>), e.g. <c>Customer</c>.</summary>
    public string? Resource { get; set; }

    /// <summary>
    /// The route value holding the id of the resource (recorded as <c>resource_id</c>). Defaults to
    /// <see cref="AuditingOptions.ResourceIdRouteValue"/>.
    /// </summary>
    public string? ResourceIdRouteValue { get; set; }

    /// <summary>A free label grouping events (recorded as <c>category</c>).</summary>
    public string? Category { get; set; }

    /// <summary>
    /// The severity of the endpoint's events, instead of the method-based rules. Rules on the status code or action
    /// (403, 5xx, <c>LOGIN_FAILED</c>) can still raise it. Read <see cref="IsSeveritySet"/> to know whether it was set.
    /// </summary>
    public AuditSeverity Severity
    {
        get => _severity;
        set
        {
            _severity = value;
            IsSeveritySet = true;
        }
    }

    /// <summary>Whether <see cref="Severity"/> was set.</summary>
    public bool IsSeveritySet { get; private set; }

    internal static string NormalizeAction(string action)
    {
        var normalized = AuditActions.Normalize(action);
        if (normalized.Length > AuditEventLimits.Action || !AuditEventValidator.IsUpperSnake(normalized))
        {
            throw new ArgumentException(
                $"'{action}' is not a valid audit action: use UPPER_SNAKE_CASE of at most {AuditEventLimits.Action} characters, e.g. ROLE_ASSIGN.",
                nameof(action));
        }

        return normalized;
    }
}
