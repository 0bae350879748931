using System.ComponentModel;
using AuditKit.Server.Auth;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// <c>GET /api/v1/audit-logs/summary</c>: counts of the tenant's events over a time range (the last 24 hours unless
/// <c>from_date</c> / <c>to_date</c> say otherwise) by action, severity, status and service, the most active users
/// and IP addresses, and hourly or daily buckets. Takes the list's filters.
/// </summary>
internal static class AuditSummaryEndpoints
{
    /// <summary>The most time buckets one summary answers (about 41 days of hours).</summary>
    public const int MaxBuckets = 1000;

    /// <summary>The most users and IP addresses a summary names.</summary>
    public const int MaxTop = 100;

    private const int DefaultTop = 10;

    private static readonly TimeSpan s_defaultRange = TimeSpan.FromHours(24);

    public static RouteGroupBuilder MapAuditSummaryEndpoints(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/summary", SummarizeAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .RequireRateLimiting(AuditKitRateLimitPolicies.LongRead)
            .WithName("SummarizeAuditLogs")
            .WithSummary("Counts by action, severity, status and service; top users and IPs; hourly or daily buckets over a range.")
            .WithDescription(
                "The range is from_date (inclusive) to to_date (exclusive), by default the 24 hours before now. Buckets are " +
                "whole UTC hours or days (bucket=hour|day; hour up to 7 days, day beyond, by default), every bucket of the range " +
                $"included, at most {MaxBuckets}. The list's filters narrow what is counted.");
        return group;
    }

    private static async Task<Results<Ok<AuditSummaryResponse>, ValidationProblem>> SummarizeAsync(
        HttpContext context,
        [AsParameters] AuditLogQueryParameters parameters,
        [FromQuery(Name = "bucket"), Description("hour or day (default: hour for ranges up to 7 days, else day).")] string? bucket,
        [FromQuery(Name = "top"), Description("How many users and IP addresses to name, 1 to 100 (default 10).")] string? top,
        IAuditEventStore store,
        IOptions<AuditKitServerOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var width = AuditTimeBucket.Hour;
        var topCount = DefaultTop;
        DateTimeOffset from = default, to = default;
        if (!AuditHistoryEndpoints.TryParse(parameters, options.Value, (query, errors) =>
            {
                to = query.To ?? time.GetUtcNow();
                if (query.From is { } given)
                {
                    from = given;
                }
                else if (to.UtcTicks - DateTimeOffset.MinValue.UtcTicks >= s_defaultRange.Ticks)
                {
                    from = to - s_defaultRange;
                }
                else
                {
                    // The default range would start before the first representable time.
                    from = to;
                    errors["to_date"] = ["is too early for the default 24-hour range; give from_date too."];
                }

                if (from >= to && !errors.ContainsKey("from_date") && !errors.ContainsKey("to_date"))
                {
                    errors["from_date"] = ["must be before to_date (the summary range would be empty)."];
                }

                var bucketText = bucket?.Trim().ToLowerInvariant();
                width = bucketText switch
                {
                    null or "" => to - from <= TimeSpan.FromDays(7) ? AuditTimeBucket.Hour : AuditTimeBucket.Day,
                    "hour" => AuditTimeBucket.Hour,
                    "day" => AuditTimeBucket.Day,
                    _ => (AuditTimeBucket)(-1),
                };
                if (!Enum.IsDefined(width))
                {
                    errors["bucket"] = ["must be hour or day."];
                }
                else if (from < to && BucketCount(from, to, width) > MaxBuckets)
                {
                    errors["bucket"] = [$"the range holds more than {MaxBuckets} {bucketText ?? "day"} buckets: use bucket=day or a shorter range."];
                }

                topCount = QueryNumbers.Count("top", top, DefaultTop, MaxTop, (field, message) => errors[field] = [message]);

                return query with { From = from, To = to };
            }, out var query, out var problem))
        {
            return problem;
        }

        var caller = AuditCaller.From(context.User);
        var summary = await store.SummarizeAsync(caller.TenantId!, query, width, topCount, cancellationToken);
        return TypedResults.Ok(AuditSummaryResponse.Create(summary, from, to, width));
    }

    private static long BucketCount(DateTimeOffset from, DateTimeOffset to, AuditTimeBucket bucket)
    {
        var ticks = (bucket == AuditTimeBucket.Day ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1)).Ticks;
        return ((to.UtcTicks - 1) / ticks) - (from.UtcTicks / ticks) + 1;
    }
}
