using AuditKit.Server.Admin;
using AuditKit.Server.Auth;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// <c>/api/v1/audit-logs</c>: the audit log's reads (list and get by id, read role) beside ingest (see
/// <see cref="AuditIngestEndpoints"/>).
/// Every read is scoped to the calling key's tenant.
/// </summary>
internal static class AuditLogEndpoints
{
    /// <summary>The route prefix of the audit log endpoints.</summary>
    public const string RoutePrefix = AuditLogRoutes.Prefix;

    public static RouteGroupBuilder MapAuditLogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(RoutePrefix).WithTags("Audit logs");
        group.RequireRateLimiting(AuditKitRateLimitPolicies.Read);

        // Ingest writes to the same resource; mapped first, so the OpenAPI document keeps its order.
        group.MapAuditIngestEndpoints();

        group.MapGet(string.Empty, ListAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .WithName("ListAuditLogs")
            .WithSummary("Lists the tenant's events with filters, offset or cursor paging and sorting.");

        // Literal segments (/critical, /export, /summary, ...) take precedence over /{id} in routing, whatever the order.
        group.MapAuditHistoryEndpoints();
        group.MapAuditSummaryEndpoints();
        group.MapAuditExportEndpoints();

        group.MapGet("/{id}", GetAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .WithName("GetAuditLog")
            .WithSummary("One event of the tenant by id (404 for unknown ids and other tenants' events).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<Results<Ok<AuditEventListResponse>, ValidationProblem>> ListAsync(
        HttpContext context,
        [AsParameters] AuditLogQueryParameters parameters,
        IAuditEventStore store,
        IOptions<AuditKitServerOptions> options,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        if (!AuditQueryParser.TryParse(parameters, options.Value, out var query, out var errors))
        {
            return ValidationErrors.InvalidQuery(errors);
        }

        var page = await store.QueryAsync(caller.TenantId!, query, cancellationToken);
        return TypedResults.Ok(AuditEventListResponse.From(page, query));
    }

    private static async Task<Results<Ok<AuditEvent>, ProblemHttpResult>> GetAsync(
        HttpContext context,
        string id,
        IAuditEventStore store,
        AdminAuditRecorder recorder,
        CancellationToken cancellationToken)
    {
        var auditEvent = await ReadRecordedAsync(context, id, store, recorder, cancellationToken);
        return auditEvent is null ? NotFound() : TypedResults.Ok(auditEvent);
    }

    /// <summary>
    /// One event of the caller's tenant by id, returned only once its read is recorded (every route that answers a
    /// single event goes through here); null for an id that is not one of the tenant's events.
    /// </summary>
    internal static async Task<AuditEvent?> ReadRecordedAsync(
        HttpContext context, string id, IAuditEventStore store, AdminAuditRecorder recorder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(recorder);
        var caller = AuditCaller.From(context.User);
        var auditEvent = Guid.TryParse(id, out var eventId)
            ? await store.GetAsync(caller.TenantId!, eventId, cancellationToken)
            : null;
        if (auditEvent is null)
        {
            return null;
        }

        await recorder.RecordReadAsync(
            context, caller, caller.TenantId!, AuditedRead.ReadAction, AuditedRead.EventResourceType, eventId.ToString(), auditEvent.Action, AuditSeverity.Low,
            $"Audit event {eventId} read.", new JsonObject { ["id"] = eventId.ToString() }, rows: 1, cancellationToken);
        return auditEvent;
    }

    /// <summary>The answer for an id that is not one of the tenant's events.</summary>
    internal static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No audit event with this id exists for this tenant.");
}
