using AuditKit.Server.Auth;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Compatibility;

/// <summary>
/// The seeds' ingest routes on the native pipeline: the body is read as the native ingest reads it (same size limits,
/// gzip, JSON depth), each event mapped by a seed mapper and stored by <see cref="AuditIngestor"/> (tenant binding,
/// idempotent ids, chain, detection). A batch is stored only when every event of it is valid.
/// </summary>
internal static class SeedIngest
{
    /// <summary>Maps one posted event of a seed's payload; see <see cref="Seed001EventMapper"/>, <see cref="Seed003EventMapper"/>.</summary>
    public delegate ParsedAuditEvent Mapper(int index, JsonElement element, DateTimeOffset now, TimeSpan maxClockSkew);

    /// <summary>The outcome of a seed's ingest request: the stored events' results, or the problem to answer.</summary>
    public sealed record Outcome(IReadOnlyList<ParsedAuditEvent> Events, AuditBatchResult? Result, IResult? Problem);

    /// <summary>
    /// Maps POST <paramref name="pattern"/>: stores one posted event, mapped by <paramref name="map"/>, and answers what
    /// <paramref name="answer"/> makes of it (the stored event, and whether it had been stored before), or the problem.
    /// </summary>
    public static RouteHandlerBuilder MapSingle(
        this IEndpointRouteBuilder routes, string pattern, Mapper map, Func<AuditEvent, bool, IResult> answer) =>
        routes.MapPost(
            pattern,
            (HttpContext context, AuditIngestor ingestor, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken) =>
                AnswerSingleAsync(context, ingestor, options.Value, map, answer, cancellationToken));

    /// <summary>
    /// Maps POST <paramref name="pattern"/>: stores a posted batch, each event mapped by <paramref name="map"/>, and
    /// answers 200 with what <paramref name="answer"/> makes of its result, or the problem.
    /// </summary>
    public static RouteHandlerBuilder MapBatch(
        this IEndpointRouteBuilder routes, string pattern, Mapper map, Func<AuditBatchResult, JsonObject> answer) =>
        routes.MapPost(
            pattern,
            (HttpContext context, AuditIngestor ingestor, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken) =>
                AnswerBatchAsync(context, ingestor, options.Value, map, answer, cancellationToken));

    private static async Task<IResult> AnswerSingleAsync(
        HttpContext context,
        AuditIngestor ingestor,
        AuditKitServerOptions options,
        Mapper map,
        Func<AuditEvent, bool, IResult> answer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var outcome = await SingleAsync(context, ingestor, options, map, cancellationToken);
        return outcome.Problem ?? answer(outcome.Events[0].Event, outcome.Result!.Items[0].Status == AuditBatchItemStatus.Duplicate);
    }

    private static async Task<IResult> AnswerBatchAsync(
        HttpContext context,
        AuditIngestor ingestor,
        AuditKitServerOptions options,
        Mapper map,
        Func<AuditBatchResult, JsonObject> answer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var outcome = await BatchAsync(context, ingestor, options, map, cancellationToken);
        return outcome.Problem ?? TypedResults.Ok(answer(outcome.Result!));
    }

    public static async Task<Outcome> SingleAsync(
        HttpContext context, AuditIngestor ingestor, AuditKitServerOptions options, Mapper map, CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestBody.ReadAsync(context.Request, options.MaxEventBytes, cancellationToken);
        if (problem is not null)
        {
            return new Outcome([], null, problem);
        }

        ParsedAuditEvent parsed;
        using (body)
        {
            if (!AuditIngestBody.TryParse(body!.Content, out var document, out var syntaxError))
            {
                return new Outcome([], null, Invalid([syntaxError], "The audit event could not be read."));
            }

            using (document)
            {
                parsed = map(0, document.RootElement, ingestor.Now, options.MaxClockSkew);
            }
        }

        return await StoreAsync(context, ingestor, [parsed], prefix: null, cancellationToken);
    }

    /// <summary>A batch: a JSON array of events or <c>{"events": [...]}</c>.</summary>
    public static async Task<Outcome> BatchAsync(
        HttpContext context, AuditIngestor ingestor, AuditKitServerOptions options, Mapper map, CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestBody.ReadAsync(context.Request, options.MaxBatchBytes, cancellationToken);
        if (problem is not null)
        {
            return new Outcome([], null, problem);
        }

        var events = new List<ParsedAuditEvent>();
        string prefix;
        using (body)
        {
            if (!AuditIngestBody.TryParse(body!.Content, out var document, out var syntaxError))
            {
                return new Outcome([], null, Invalid([syntaxError], "The batch could not be read."));
            }

            using (document)
            {
                var root = document.RootElement;
                JsonElement array;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    (array, prefix) = (root, string.Empty);
                }
                else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var inner) && inner.ValueKind == JsonValueKind.Array)
                {
                    (array, prefix) = (inner, "events");
                }
                else
                {
                    return new Outcome([], null, Invalid(
                        [new AuditFieldError(JsonSyntaxErrorLocator.BodyField, "must be a JSON array of events, or an object {\"events\": [...]}.")],
                        "The batch could not be read."));
                }

                var count = array.GetArrayLength();
                if (count == 0)
                {
                    return new Outcome([], null, Invalid([new AuditFieldError(prefix.Length == 0 ? JsonSyntaxErrorLocator.BodyField : prefix, "must hold at least one event.")], "The batch could not be read."));
                }

                if (count > options.MaxBatchEvents)
                {
                    return new Outcome([], null, TypedResults.Problem(
                        statusCode: StatusCodes.Status413PayloadTooLarge,
                        title: "Too many events",
                        detail: string.Create(CultureInfo.InvariantCulture, $"The batch holds {count} events; at most {options.MaxBatchEvents} are accepted per request.")));
                }

                var now = ingestor.Now;
                foreach (var element in array.EnumerateArray())
                {
                    events.Add(map(events.Count, element, now, options.MaxClockSkew));
                }
            }
        }

        return await StoreAsync(context, ingestor, events, prefix, cancellationToken);
    }

    private static async Task<Outcome> StoreAsync(
        HttpContext context, AuditIngestor ingestor, IReadOnlyList<ParsedAuditEvent> events, string? prefix, CancellationToken cancellationToken)
    {
        // All or nothing: a seed's client has no per-event answer to read, so one invalid event stores none.
        var invalid = events.Where(static e => !e.IsValid).SelectMany(e => e.Errors.Select(error => Named(prefix, e.Index, error))).ToList();
        if (invalid.Count > 0)
        {
            return new Outcome(events, null, Invalid(invalid, prefix is null ? "The audit event is not valid." : "The batch holds invalid events."));
        }

        var result = await ingestor.IngestAsync(AuditCaller.From(context.User), events, cancellationToken);
        var rejected = result.Items.Where(static i => i.Status == AuditBatchItemStatus.Rejected).ToList();
        if (rejected.Count > 0 && prefix is null)
        {
            return new Outcome(events, result, Invalid(rejected[0].Errors ?? [], "The audit event is not valid."));
        }

        return new Outcome(events, result, null);
    }

    private static AuditFieldError Named(string? prefix, int index, AuditFieldError error) => prefix is null
        ? error
        : error with { Field = string.Create(CultureInfo.InvariantCulture, $"{prefix}[{index}].{error.Field}") };

    private static IResult Invalid(IEnumerable<AuditFieldError> errors, string title) =>
        TypedResults.ValidationProblem(ValidationErrors.ToDictionary(errors), title: title, detail: "Nothing was stored.");
}
