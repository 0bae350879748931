namespace AuditKit.Server.Compatibility;

/// <summary>
/// Seed 001's query (<c>/api/v2/events/query</c> and <c>/api/v1/audit/logs</c>) as the native
/// <see cref="AuditEventQuery"/>: <c>event_type</c> (the stored category), <c>user_id</c>, <c>service</c>,
/// <c>result</c>, <c>action</c>, <c>start_time</c>, <c>end_time</c>, <c>limit</c> (default 100) and <c>offset</c>.
/// Newest first.
/// </summary>
internal static class Seed001Query
{
    public const int DefaultLimit = 100;

    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "event_type", "user_id", "service", "service_name", "result", "action", "start_time", "end_time", "limit", "offset",
        "session_id", "username", "ip_address",
    };

    /// <summary>The native query, or null with <see cref="SeedQueryParameters.Errors"/> naming each offending parameter.</summary>
    public static AuditEventQuery? ToNative(SeedQueryParameters parameters, int maxPageSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.RefuseUnknown(s_known);

        var query = new AuditEventQuery
        {
            Status = parameters.Parsed<AuditStatus>(AuditEnumNames.TryParseStatus, "must be success, failure or pending (comma-separated for several).", "result"),
            Category = parameters.AnyOf("event_type"),
            UserId = parameters.AnyOf("user_id"),
            Username = parameters.AnyOf("username"),
            SessionId = parameters.AnyOf("session_id"),
            ServiceName = parameters.AnyOf("service", "service_name"),
            Action = AnyOf<string>.Of(parameters.AnyOf("action").Select(AuditActions.Normalize)),
            IpAddress = parameters.AnyOf("ip_address"),
            From = parameters.Date("start_time"),
            To = parameters.Date("end_time"),
            Limit = parameters.Integer("limit", Math.Min(DefaultLimit, maxPageSize), 1, maxPageSize),
            Offset = parameters.Integer("offset", 0, 0, int.MaxValue),
        };
        return parameters.Errors.Count == 0 ? query : null;
    }
}
