using System.Text.Json.Nodes;
using AuditKit.Server.Admin;
using AuditKit.Server.AuditLogs;
using AuditKit.Server.Auth;
using AuditKit.Server.Common;
using AuditKit.Server.Ingest;
using AuditKit.Server.Storage;
using Microsoft.Extensions.Options;

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
        events.MapPost(string.Empty, CreateAsync)
            .RequireAuthorization(AuditKitPolicies.Ingest)
            .RequireRateLimiting(AuditKitRateLimitPolicies.Ingest)
            .WithName("Seed003LogEvent")
            .WithSummary("Stores one event of seed 003's shape (level, category, action, service_name, message, metadata, error fields).");
        events.MapPost("/batch", CreateBatchAsync)
            .RequireAuthorization(AuditKitPolicies.Ingest)
            .RequireRateLimiting(AuditKitRateLimitPolicies.Ingest)
            .WithName("Seed003LogEvents")
            .WithSummary("Stores a batch of seed 003 events (an array or {\"events\": [...]}), all or none.");
        events.MapGet(string.Empty, QueryAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .RequireRateLimiting(AuditKitRateLimitPolicies.Read)
            .WithName("Seed003QueryEvents")
            .WithSummary("Lists events by service_names, levels, categories, actions, user_ids, start_time, end_time, limit, offset.");
        events.MapPost("/query", QueryBodyAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .RequireRateLimiting(AuditKitRateLimitPolicies.Read)
            .WithName("Seed003QueryEventsBody")
            .WithSummary("The same query as a JSON body (seed 003's AuditQuery; lists as arrays).");
        events.MapGet("/{event_id}", GetAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .RequireRateLimiting(AuditKitRateLimitPolicies.Read)
            .WithName("Seed003GetEvent")
            .WithSummary("One event of the tenant by id, in seed 003's shape (404 for unknown ids and other tenants' events).");
        endpoints.MapPost("/flush", Flush)
            .WithTags("Compatibility: seed 003")
            .RequireAuthorization(AuditKitPolicies.Ingest)
            .RequireRateLimiting(AuditKitRateLimitPolicies.Ingest)
            .WithName("Seed003Flush")
            .WithSummary("Accepted for seed 003's clients: the server stores every event before answering, so nothing is buffered.");
        return endpoints;
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, AuditIngestor ingestor, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken)
    {
        var outcome = await SeedIngest.SingleAsync(context, ingestor, options.Value, Seed003EventMapper.Map, cancellationToken);
        if (outcome.Problem is not null)
        {
            return outcome.Problem;
        }

        var stored = outcome.Events[0].Event;
        var duplicate = outcome.Result!.Items[0].Status == AuditBatchItemStatus.Duplicate;
        var answer = new JsonObject { ["success"] = true, ["event_id"] = stored.Id.ToString(), ["status"] = duplicate ? "duplicate" : "logged" };
        return duplicate ? TypedResults.Ok(answer) : TypedResults.Created($"{Events}/{stored.Id}", answer);
    }

    private static async Task<IResult> CreateBatchAsync(
        HttpContext context, AuditIngestor ingestor, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken)
    {
        var outcome = await SeedIngest.BatchAsync(context, ingestor, options.Value, Seed003EventMapper.Map, cancellationToken);
        if (outcome.Problem is not null)
        {
            return outcome.Problem;
        }

        var result = outcome.Result!;
        return TypedResults.Ok(new JsonObject
        {
            ["success"] = result.Rejected == 0,
            ["logged"] = result.Accepted,
            ["duplicates"] = result.Duplicates,
            ["rejected"] = result.Rejected,
            ["event_ids"] = new JsonArray([.. result.Items.Select(static i => (JsonNode?)JsonValue.Create(i.Id?.ToString()))]),
        });
    }

    private static Task<IResult> QueryAsync(
        HttpContext context, IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken) =>
        AnswerQueryAsync(context, SeedQueryParameters.FromQueryString(context.Request.Query), store, options.Value, cancellationToken);

    private static async Task<IResult> QueryBodyAsync(
        HttpContext context, IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken)
    {
        var (parameters, problem) = await SeedQueryParameters.FromBodyAsync(context.Request, options.Value.MaxEventBytes, cancellationToken);
        return problem ?? await AnswerQueryAsync(context, parameters!, store, options.Value, cancellationToken);
    }

    private static async Task<IResult> AnswerQueryAsync(
        HttpContext context, SeedQueryParameters parameters, IAuditEventStore store, AuditKitServerOptions options, CancellationToken cancellationToken)
    {
        var query = parameters.Errors.Count == 0 ? Seed003Query.ToNative(parameters, options.MaxPageSize) : null;
        if (query is null)
        {
            return TypedResults.ValidationProblem(parameters.Errors, title: "The query is not valid.");
        }

        var page = await store.QueryAsync(AuditCaller.From(context.User).TenantId!, query, cancellationToken);
        var total = page.Total ?? 0;
        return TypedResults.Ok(new JsonObject
        {
            ["events"] = new JsonArray([.. page.Items.Select(static e => (JsonNode)SeedEventAnswers.Seed003(e))]),
            ["total_count"] = total,
            ["limit"] = query.Limit,
            ["offset"] = query.Offset,
            ["has_more"] = query.Offset + page.Items.Count < total,
        });
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
