using AuditKit.Server.Admin;
using AuditKit.Server.AuditLogs;

namespace AuditKit.Server.Compatibility;

/// <summary>
/// The routes of seed 003's audit service (<c>/events…</c>, <c>/flush</c>; its <c>/health</c> is the server's own),
/// answered in its shape from the native store; see docs/migrating.md.
/// </summary>
internal static class Seed003Endpoints
{
    public const string Events = "/events";

    public static IEndpointRouteBuilder MapSeed003Endpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var events = endpoints.MapGroup(Events).WithTags("Compatibility: seed 003");
        events.MapSingle(string.Empty, Seed003EventMapper.Map, CreatedAnswer)
            .Ingests("Seed003LogEvent", "Stores one event of seed 003's shape (level, category, action, service_name, message, metadata, error fields).");
        events.MapBatch("/batch", Seed003EventMapper.Map, BatchAnswer)
            .Ingests("Seed003LogEvents", "Stores a batch of seed 003 events (an array or {\"events\": [...]}), all or none.");
        events.MapQuery(string.Empty, Seed003Query.ToNative, Page)
            .Reads("Seed003QueryEvents", "Lists events by service_names, levels, categories, actions, user_ids, start_time, end_time, limit, offset.");
        events.MapQueryBody("/query", Seed003Query.ToNative, Page)
            .Reads("Seed003QueryEventsBody", "The same query as a JSON body (seed 003's AuditQuery; lists as arrays).");
        events.MapGet("/{event_id}", GetAsync)
            .Reads("Seed003GetEvent", "One event of the tenant by id, in seed 003's shape (404 for unknown ids and other tenants' events).");
        endpoints.MapPost("/flush", Flush)
            .WithTags("Compatibility: seed 003")
            .Ingests("Seed003Flush", "Accepted for seed 003's clients: the server stores every event before answering, so nothing is buffered.");
        return endpoints;
    }

    private static IResult CreatedAnswer(AuditEvent stored, bool duplicate)
    {
        var answer = new JsonObject { ["success"] = true, ["event_id"] = stored.Id.ToString(), ["status"] = duplicate ? "duplicate" : "logged" };
        return duplicate ? TypedResults.Ok(answer) : TypedResults.Created($"{Events}/{stored.Id}", answer);
    }

    private static JsonObject BatchAnswer(AuditBatchResult result) => new()
    {
        ["success"] = result.Rejected == 0,
        ["logged"] = result.Accepted,
        ["duplicates"] = result.Duplicates,
        ["rejected"] = result.Rejected,
        ["event_ids"] = SeedEventAnswers.EventIds(result),
    };

    private static JsonObject Page(AuditEventQuery query, AuditEventPage page)
    {
        var total = page.Total ?? 0;
        return new JsonObject
        {
            ["events"] = new JsonArray([.. page.Items.Select(static e => (JsonNode)SeedEventAnswers.Seed003(e))]),
            ["total_count"] = total,
            ["limit"] = query.Limit,
            ["offset"] = query.Offset,
            ["has_more"] = query.Offset + page.Items.Count < total,
        };
    }

    private static async Task<IResult> GetAsync(
        HttpContext context, string event_id, IAuditEventStore store, AdminAuditRecorder recorder, CancellationToken cancellationToken)
    {
        // Recorded as a read exactly as the native GET /api/v1/audit-logs/{id}.
        var auditEvent = await AuditLogEndpoints.ReadRecordedAsync(context, event_id, store, recorder, cancellationToken);
        return auditEvent is null ? AuditLogEndpoints.NotFound() : TypedResults.Ok(SeedEventAnswers.Seed003(auditEvent));
    }

    private static IResult Flush() =>
        TypedResults.Ok(new JsonObject { ["success"] = true, ["flushed"] = 0, ["message"] = "Events are stored before they are acknowledged; nothing is buffered." });
}
