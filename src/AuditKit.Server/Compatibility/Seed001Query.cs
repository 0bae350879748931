using AuditKit.Server.Ingest;
using AuditKit.Server.Storage;

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
        RefuseMissingFilters(parameters);

        AuditStatus? status = null;
        if (One(parameters, "result") is { } result)
        {
            if (AuditEnumNames.TryParseStatus(result, out var parsed))
            {
                status = parsed;
            }
            else
            {
                parameters.Fail("result", "must be success, failure or pending.");
            }
        }

        var action = One(parameters, "action");
        var query = new AuditEventQuery
        {
            Category = One(parameters, "event_type"),
            UserId = One(parameters, "user_id"),
            ServiceName = One(parameters, "service", "service_name"),
            Status = status,
            Action = action is null ? null : AuditActions.Normalize(action),
            IpAddress = One(parameters, "ip_address"),
            From = parameters.Date("start_time"),
            To = parameters.Date("end_time"),
            Limit = parameters.Integer("limit", Math.Min(DefaultLimit, maxPageSize), 1, maxPageSize),
            Offset = parameters.Integer("offset", 0, 0, int.MaxValue),
        };
        return parameters.Errors.Count == 0 ? query : null;
    }

    // ONE VALUE PER FILTER: the native query takes one value per filter today, so several values (event_type=a,b) are
    // refused here, naming the parameter. Switch this method when native filters take several values.
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
        foreach (var name in (string[])["session_id", "username"])
        {
            if (parameters.Values(name).Count > 0)
            {
                parameters.Fail(name, "is not supported as a filter on this server.");
            }
        }
    }
}
