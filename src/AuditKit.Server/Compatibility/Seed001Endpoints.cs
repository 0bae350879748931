using AuditKit.Server.Auth;

namespace AuditKit.Server.Compatibility;

/// <summary>
/// The routes seed 001's user-service calls (<c>/api/v2/events…</c>, <c>/api/v1/audit/…</c>), answered in its
/// shape from the native store; see docs/migrating.md.
/// </summary>
internal static class Seed001Endpoints
{
    public const string V2 = "/api/v2/events";
    public const string V1 = "/api/v1/audit";

    private const int MaxTimeRangeDays = 1000;

    public static IEndpointRouteBuilder MapSeed001Endpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var v2 = endpoints.MapGroup(V2).WithTags("Compatibility: seed 001");
        v2.MapSingle(string.Empty, Seed001EventMapper.Map, CreatedAnswer)
            .Ingests("Seed001CreateEvent", "Stores one event of seed 001's shape (event_type, service, result, details, compliance_tags).");
        v2.MapBatch("/batch", Seed001EventMapper.Map, BatchAnswer)
            .Ingests("Seed001CreateEvents", "Stores a batch of seed 001 events (an array or {\"events\": [...]}), all or none.");
        v2.MapQuery("/query", Seed001Query.ToNative, Events)
            .Reads("Seed001QueryEvents", "Lists events by event_type, user_id, service, result, action, start_time, end_time, limit, offset.");
        v2.MapQueryBody("/query", Seed001Query.ToNative, Events)
            .Reads("Seed001QueryEventsBody", "The same query with its parameters in a JSON object body.");
        v2.MapGet("/health", HealthAsync)
            .AllowAnonymous()
            .WithName("Seed001Health")
            .WithSummary("{\"status\": \"healthy\"} while the store answers, else 503 {\"status\": \"unhealthy\"}.");

        var v1 = endpoints.MapGroup(V1).WithTags("Compatibility: seed 001");
        v1.MapQuery("/logs", Seed001Query.ToNative, Logs)
            .Reads("Seed001Logs", "The v1 search: the same parameters as /api/v2/events/query, answered as {\"logs\", \"total\"}.");
        v1.MapGet("/statistics/dashboard", DashboardAsync)
            .Reads(
                "Seed001Dashboard",
                "Counts over the last time_range (e.g. 24h, 7d; default 24h) by event type, result, service and severity.",
                AuditKitRateLimitPolicies.LongRead);
        return endpoints;
    }

    private static IResult CreatedAnswer(AuditEvent stored, bool duplicate) => duplicate
        ? TypedResults.Ok(new JsonObject { ["event_id"] = stored.Id.ToString(), ["status"] = "duplicate" })
        : TypedResults.Created($"{AuditLogRoutes.Prefix}/{stored.Id}", SeedEventAnswers.Seed001(stored));

    private static JsonObject BatchAnswer(AuditBatchResult result) => new()
    {
        ["total"] = result.Items.Count,
        ["created"] = result.Accepted,
        ["duplicates"] = result.Duplicates,
        ["rejected"] = result.Rejected,
        ["event_ids"] = SeedEventAnswers.EventIds(result),
    };

    private static JsonObject Events(AuditEventQuery query, AuditEventPage page) => Page("events", query, page);

    private static JsonObject Logs(AuditEventQuery query, AuditEventPage page) => Page("logs", query, page);

    private static JsonObject Page(string listName, AuditEventQuery query, AuditEventPage page) => new()
    {
        [listName] = new JsonArray([.. page.Items.Select(static e => (JsonNode)SeedEventAnswers.Seed001(e))]),
        ["total"] = SeedEventAnswers.Count(page.Total),
        ["limit"] = query.Limit,
        ["offset"] = query.Offset,
    };

    private static async Task<IResult> HealthAsync(IAuditEventStore store, CancellationToken cancellationToken) =>
        await store.IsReachableAsync(cancellationToken)
            ? TypedResults.Ok(new JsonObject { ["status"] = "healthy" })
            : TypedResults.Json(new JsonObject { ["status"] = "unhealthy" }, statusCode: StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> DashboardAsync(
        HttpContext context, IAuditEventStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var parameters = SeedQueryParameters.FromQueryString(context.Request.Query);
        parameters.RefuseUnknown(new HashSet<string>(StringComparer.Ordinal) { "time_range" });
        var rangeText = parameters.Values("time_range") is { Count: > 0 } values ? values[0] : "24h";
        if (!TryParseRange(rangeText, out var range))
        {
            parameters.Fail("time_range", string.Create(CultureInfo.InvariantCulture, $"must be a number of hours or days, e.g. 24h or 7d (at most {MaxTimeRangeDays}d)."));
        }

        if (parameters.Errors.Count > 0)
        {
            return ValidationErrors.InvalidQuery(parameters.Errors);
        }

        var to = time.GetUtcNow();
        var from = to - range;
        var bucket = range <= TimeSpan.FromDays(7) ? AuditTimeBucket.Hour : AuditTimeBucket.Day;
        var summary = await store.SummarizeAsync(
            AuditCaller.From(context.User).TenantId!, new AuditEventQuery { From = from, To = to }, bucket, 10, cancellationToken);
        return TypedResults.Ok(new JsonObject
        {
            ["time_range"] = rangeText,
            ["start_time"] = SeedEventAnswers.Time(from),
            ["end_time"] = SeedEventAnswers.Time(to),
            ["total_events"] = summary.Total,
            ["events_by_type"] = Counts(summary.ByAction),
            ["events_by_result"] = Counts(summary.ByStatus, static k => k.ToLowerInvariant()),
            ["events_by_service"] = Counts(summary.ByService),
            ["events_by_severity"] = Counts(summary.BySeverity),
            ["top_users"] = new JsonArray([.. summary.TopUsers.Select(static c => (JsonNode)new JsonObject { ["user_id"] = c.Key, ["count"] = c.Count })]),
            ["timeline"] = new JsonArray([.. summary.TimeBuckets.Select(static b => (JsonNode)new JsonObject { ["timestamp"] = SeedEventAnswers.Time(b.Start), ["count"] = b.Count })]),
        });
    }

    private static JsonObject Counts(IReadOnlyList<AuditCount> counts, Func<string, string>? key = null)
    {
        var json = new JsonObject();
        foreach (var count in counts)
        {
            var name = count.Key ?? "unknown";
            json[key is null ? name : key(name)] = count.Count;
        }

        return json;
    }

    private static bool TryParseRange(string text, out TimeSpan range)
    {
        range = default;
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return false;
        }

        range = char.ToLowerInvariant(text[^1]) switch
        {
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => default,
        };
        return range > TimeSpan.Zero && range <= TimeSpan.FromDays(MaxTimeRangeDays);
    }
}
