using AuditKit.Server.Auth;

namespace AuditKit.Server.Ingest;

/// <summary><c>POST /api/v1/audit-logs</c> and <c>/batch</c>: ingest of single events and batches (ingest role).</summary>
internal static class AuditIngestEndpoints
{
    private const string JsonContentType = "application/json";

    public static RouteGroupBuilder MapAuditIngestEndpoints(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);

        group.MapPost(string.Empty, CreateAsync)
            .RequireAuthorization(AuditKitPolicies.Ingest)
            .RequireRateLimiting(AuditKitRateLimitPolicies.Ingest)
            .WithName("CreateAuditLog")
            .WithSummary("Stores one event.")
            .WithDescription(
                "Answers 201 with the stored event (id and received_at filled in) and its place in the tenant's hash chain " +
                "(seq, hash), or 200 with {\"id\", \"status\": \"duplicate\", \"seq\", \"hash\"} when its id was stored " +
                "before (nothing is written, and nothing else stored is returned). Accepts the older clients' fields (entity_type, entity_id, " +
                "log_type, old_values/new_values as JSON strings). Gzip bodies are accepted (Content-Encoding: gzip).")
            .Accepts<AuditEvent>(JsonContentType)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapPost("/batch", CreateBatchAsync)
            .RequireAuthorization(AuditKitPolicies.Ingest)
            .RequireRateLimiting(AuditKitRateLimitPolicies.Ingest)
            .WithName("CreateAuditLogBatch")
            .WithSummary("Stores a batch of events; answers per event.")
            .WithDescription(
                "The body is a JSON array of events or {\"events\": [...]}, at most 1000 events and 5 MB after " +
                "decompression. Valid events are stored, invalid ones are not; each item of the answer says accepted, " +
                "duplicate (already stored, nothing written) or rejected (with field errors), by index.")
            .Accepts<AuditEvent[]>(JsonContentType)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return group;
    }

    private static async Task<Results<Created<JsonObject>, Ok<AuditDuplicateResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext context,
        AuditIngestor ingestor,
        IOptions<AuditKitServerOptions> options,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        var (body, problem) = await RequestBody.ReadAsync(context.Request, options.Value.MaxEventBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        ParsedAuditEvent? parsed;
        using (body)
        {
            IReadOnlyList<AuditFieldError> bodyErrors;
            (parsed, bodyErrors) = AuditIngestBody.ReadSingle(body!.Content, ingestor.Now, options.Value.MaxClockSkew);
            if (parsed is null)
            {
                return InvalidEvent(bodyErrors);
            }
        }

        var result = await ingestor.IngestAsync(caller, [parsed], cancellationToken);
        var item = result.Items[0];
        switch (item.Status)
        {
            case AuditBatchItemStatus.Accepted:
                return TypedResults.Created($"{AuditLogRoutes.Prefix}/{parsed.Event.Id}", StoredEvent(parsed.Event, item));
            case AuditBatchItemStatus.Duplicate:
                // Still 2xx, so a client's idempotent retry counts as delivered; but the stored event is not echoed:
                // an ingest key cannot read, not even an event whose id it knows (another tenant's, for a key
                // allowed to write to several).
                return TypedResults.Ok(new AuditDuplicateResponse(parsed.Event.Id, AuditBatchItemStatus.Duplicate, item.Seq, item.Hash));
            default:
                return InvalidEvent(item.Errors ?? []);
        }
    }

    private static async Task<Results<Ok<AuditBatchResult>, ValidationProblem, ProblemHttpResult>> CreateBatchAsync(
        HttpContext context,
        AuditIngestor ingestor,
        IOptions<AuditKitServerOptions> options,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        var limits = options.Value;
        var (body, problem) = await RequestBody.ReadAsync(context.Request, limits.MaxBatchBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        BatchReadResult batch;
        using (body)
        {
            batch = AuditIngestBody.ReadBatch(body!.Content, limits.MaxBatchEvents, ingestor.Now, limits.MaxClockSkew);
        }

        if (batch.TooManyCount is { } count)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Too many events",
                detail: $"The batch holds {count} events; at most {limits.MaxBatchEvents} are accepted per request.");
        }

        if (batch.BodyError is { } bodyError)
        {
            return TypedResults.ValidationProblem(
                ValidationErrors.ToDictionary([bodyError]),
                title: "The batch could not be read.",
                detail: "Nothing was stored.");
        }

        return TypedResults.Ok(await ingestor.IngestAsync(caller, batch.Events, cancellationToken));
    }

    // The stored event as the contract writes it, and its place in the chain (not part of the event contract).
    private static JsonObject StoredEvent(AuditEvent stored, AuditBatchItemResult item)
    {
        var json = JsonSerializer.SerializeToNode(stored, AuditJsonContext.Default.AuditEvent)!.AsObject();
        json["seq"] = item.Seq;
        json["hash"] = item.Hash;
        return json;
    }

    private static ValidationProblem InvalidEvent(IEnumerable<AuditFieldError> errors) =>
        TypedResults.ValidationProblem(
            ValidationErrors.ToDictionary(errors),
            title: "The audit event is not valid.",
            detail: "Nothing was stored.");
}
