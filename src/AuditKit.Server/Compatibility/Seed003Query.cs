using AuditKit.Server.Storage;

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
        RefuseMissingFilters(parameters);

        AuditSeverity? severity = null;
        if (One(parameters, "levels", "level") is { } level)
        {
            if (Seed003EventMapper.Levels.TryGetValue(level, out var parsed))
            {
                severity = parsed;
            }
            else
            {
                parameters.Fail(parameters.First("levels", "level").Name, "must be INFO, WARN, ERROR or CRITICAL.");
            }
        }

        var action = One(parameters, "actions", "action");
        var query = new AuditEventQuery
        {
            ServiceName = One(parameters, "service_names", "service_name"),
            Severity = severity,
            Category = One(parameters, "categories", "category"),
            Action = action is null ? null : AuditActions.Normalize(action),
            UserId = One(parameters, "user_ids", "user_id"),
            ResourceType = One(parameters, "resource_types", "resource_type"),
            ResourceId = One(parameters, "resource_ids", "resource_id"),
            From = parameters.Date("start_time"),
            To = parameters.Date("end_time"),
            Limit = parameters.Integer("limit", Math.Min(DefaultLimit, maxPageSize), 1, maxPageSize),
            Offset = parameters.Integer("offset", 0, 0, int.MaxValue),
        };
        return parameters.Errors.Count == 0 ? query : null;
    }

    // ONE VALUE PER FILTER: the native query takes one value per filter today, so a list of several (service_names=a,b,
    // levels=[...]) is refused here, naming the parameter. Switch this method when native filters take several values.
    private static string? One(SeedQueryParameters parameters, params string[] names)
    {
        var (name, values) = parameters.First(names);
        switch (values.Count)
        {
            case 0:
                return null;
            case 1:
                return values[0];
            default:
                parameters.Fail(name, "takes one value on this server (several values are not supported yet).");
                return null;
        }
    }

    // FILTERS THE NATIVE QUERY LACKS: refused naming the parameter, never ignored. Map them here once the native query has them.
    private static void RefuseMissingFilters(SeedQueryParameters parameters)
    {
        foreach (var name in (string[])["session_ids", "session_id", "request_ids", "request_id"])
        {
            if (parameters.Values(name).Count > 0)
            {
                parameters.Fail(name, "is not supported as a filter on this server.");
            }
        }
    }
}
