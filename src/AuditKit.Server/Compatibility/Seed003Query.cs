namespace AuditKit.Server.Compatibility;

/// <summary>
/// Seed 003's query (<c>GET /events</c> parameters or the <c>POST /events/query</c> body, its <c>AuditQuery</c>) as
/// the native <see cref="AuditEventQuery"/>: <c>service_names</c>, <c>levels</c>, <c>categories</c>, <c>actions</c>,
/// <c>user_ids</c>, <c>resource_types</c>, <c>resource_ids</c> (or their singular names), <c>start_time</c>,
/// <c>end_time</c>, <c>limit</c> (default 100) and <c>offset</c>. Newest first.
/// </summary>
internal static class Seed003Query
{
    public const int DefaultLimit = 100;

    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "service_names", "service_name", "levels", "level", "categories", "category", "actions", "action", "user_ids", "user_id",
        "resource_types", "resource_type", "resource_ids", "resource_id", "start_time", "end_time", "limit", "offset",
        "session_ids", "session_id", "request_ids", "request_id",
    };

    /// <summary>The native query, or null with <see cref="SeedQueryParameters.Errors"/> naming each offending parameter.</summary>
    public static AuditEventQuery? ToNative(SeedQueryParameters parameters, int maxPageSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.RefuseUnknown(s_known);

        var query = new AuditEventQuery
        {
            Severity = parameters.Parsed<AuditSeverity>(Seed003EventMapper.Levels.TryGetValue, "must be INFO, WARN, ERROR or CRITICAL (a list for several).", "levels", "level"),
            ServiceName = parameters.AnyOf("service_names", "service_name"),
            Category = parameters.AnyOf("categories", "category"),
            Action = AnyOf<string>.Of(parameters.AnyOf("actions", "action").Select(AuditActions.Normalize)),
            UserId = parameters.AnyOf("user_ids", "user_id"),
            ResourceType = parameters.AnyOf("resource_types", "resource_type"),
            ResourceId = parameters.AnyOf("resource_ids", "resource_id"),
            SessionId = parameters.AnyOf("session_ids", "session_id"),
            RequestId = parameters.AnyOf("request_ids", "request_id"),
            From = parameters.Date("start_time"),
            To = parameters.Date("end_time"),
            Limit = parameters.Integer("limit", Math.Min(DefaultLimit, maxPageSize), 1, maxPageSize),
            Offset = parameters.Integer("offset", 0, 0, int.MaxValue),
        };
        return parameters.Errors.Count == 0 ? query : null;
    }
}
