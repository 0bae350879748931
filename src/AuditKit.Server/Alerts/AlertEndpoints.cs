using AuditKit.Server.Admin;
using AuditKit.Server.AuditLogs;
using AuditKit.Server.Auth;
using AuditKit.Server.Detection;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Alerts;

/// <summary>
/// <c>/api/v1/alerts</c> (list, get, acknowledge / resolve) and <c>/api/v1/audit-logs/suspicious-activity</c>.
/// Reads need a read key; a status change needs a read or an admin key of the tenant and is itself recorded as an
/// audit event. Everything is scoped to the key's tenant: another tenant's alert answers 404 like an unknown id.
/// </summary>
internal static class AlertEndpoints
{
    /// <summary>The route prefix of the alert endpoints.</summary>
    public const string RoutePrefix = "/api/v1/alerts";

    /// <summary>The category of the audit events recording alert triage.</summary>
    public const string AuditCategory = ServerRecords.AlertCategory;

    private const int MaxBodyBytes = 16 * 1024;
    private const int SuspiciousAlertLimit = 100;

    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(RoutePrefix).WithTags("Alerts");
        group.RequireRateLimiting(AuditKitRateLimitPolicies.Read);

        group.MapGet(string.Empty, ListAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .WithName("ListAlerts")
            .WithSummary("Lists the tenant's alerts, most recently active first, with filters and paging.");

        group.MapGet("/{id}", GetAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .WithName("GetAlert")
            .WithSummary("One alert of the tenant (404 for unknown ids and other tenants' alerts).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id}", UpdateAsync)
            .RequireAuthorization(DetectionPolicies.TriageAlerts)
            .WithName("UpdateAlert")
            .WithSummary("Acknowledges or resolves an alert, with a note; the change is recorded as an audit event.")
            .WithDescription(
                "Body: {\"status\": \"acknowledged\" | \"resolved\", \"note\": \"...\"}. Open alerts can be acknowledged; open or " +
                "acknowledged alerts can be resolved; anything else answers 409. A read or admin key of the tenant may do it.")
            .Accepts<UpdateAlertRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        endpoints.MapGet(AuditLogEndpoints.RoutePrefix + "/suspicious-activity", SuspiciousActivityAsync)
            .WithTags("Audit logs")
            .RequireAuthorization(AuditKitPolicies.Read)
            .RequireRateLimiting(AuditKitRateLimitPolicies.LongRead)
            .WithName("GetSuspiciousActivity")
            .WithSummary("Unresolved alerts and the current suspicious patterns (default: the last 24 hours).")
            .WithDescription(
                "Query: from_date / to_date (RFC 3339; default the 24 hours before now), limit (patterns per kind, default 50). " +
                "Patterns are keys whose failed logins, CRITICAL events, deletes or exports in the period reach the thresholds of the matching rules.");
        return endpoints;
    }

    private static async Task<Results<Ok<AlertListResponse>, ValidationProblem>> ListAsync(
        HttpContext context,
        [AsParameters] AlertQueryParameters parameters,
        IAlertStore alerts,
        IOptions<AuditKitServerOptions> options,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        if (!AlertQueryParser.TryParse(parameters, options.Value, out var query, out var errors))
        {
            return ValidationErrors.InvalidQuery(errors);
        }

        var (items, total) = await alerts.ListAsync(caller.TenantId!, query, cancellationToken);
        return TypedResults.Ok(new AlertListResponse([.. items.Select(AlertResponse.From)], total, query.Limit, query.Offset));
    }

    private static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> GetAsync(
        HttpContext context, string id, IAlertStore alerts, CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        var alert = Guid.TryParse(id, out var alertId) ? await alerts.GetAsync(caller.TenantId!, alertId, cancellationToken) : null;
        return alert is null ? NotFound() : TypedResults.Ok(AlertResponse.From(alert));
    }

    private static async Task<Results<Ok<AlertResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        HttpContext context,
        string id,
        IAlertStore alerts,
        AlertTriage triage,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        if (!Guid.TryParse(id, out var alertId) || await alerts.GetAsync(caller.TenantId!, alertId, cancellationToken) is not { } before)
        {
            return NotFound();
        }

        var (request, problem, invalid) = await JsonRequestBody.ReadAsync(
            context, MaxBodyBytes, AlertJsonContext.Default.UpdateAlertRequest, "expected strings", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var target = AlertTriage.Target(request?.Status);
        if (target is null)
        {
            errors["status"] = ["is required: acknowledged or resolved."];
        }

        var note = AlertTriage.Note(request?.Note);
        if (note is { Length: > AlertTriage.MaxNoteLength })
        {
            errors["note"] = [$"must be at most {AlertTriage.MaxNoteLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The alert change is not valid.");
        }

        var result = await triage.ChangeAsync(context, caller, before, target!.Value, note, cancellationToken);
        return result switch
        {
            { Outcome: AlertTriageOutcome.Changed, Alert: { } after } => TypedResults.Ok(AlertResponse.From(after)),
            { Outcome: AlertTriageOutcome.Conflict, Alert: { } current } => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Conflict",
                detail: $"The alert is {AlertTriage.Name(current.Status)}; it cannot become {AlertTriage.Name(target.Value)}."),
            _ => NotFound(),
        };
    }

    private static async Task<Results<Ok<SuspiciousActivityResponse>, ValidationProblem>> SuspiciousActivityAsync(
        HttpContext context,
        IAlertStore alerts,
        TimeProvider timeProvider,
        IOptions<DetectionOptions> detection,
        IOptions<AuditKitServerOptions> options,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "from_date")] string? fromDate,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "to_date")] string? toDate,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "limit")] string? limit,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];
        var to = RfcDateTime.Parameter("to_date", toDate, Fail) ?? timeProvider.GetUtcNow();
        var from = RfcDateTime.Parameter("from_date", fromDate, Fail) ?? to.AddDays(-1);
        if (from > to)
        {
            Fail("from_date", "must not be after to_date.");
        }

        var take = QueryNumbers.Count("limit", limit, options.Value.DefaultPageSize, options.Value.MaxPageSize, Fail);

        if (errors.Count > 0)
        {
            return ValidationErrors.InvalidQuery(errors);
        }

        var tenant = caller.TenantId!;
        var (open, total) = await alerts.ListAsync(tenant, new AlertQuery { UnresolvedOnly = true, Limit = SuspiciousAlertLimit }, cancellationToken);
        var rules = detection.Value.For(tenant);
        SuspiciousPatternQuery[] kinds =
        [
            new("failed_logins_by_ip", AlertRules.IpKey, SuspiciousPatternKind.FailedLoginsByIp, rules.BruteForce.Threshold),
            new("failed_logins_by_user", AlertRules.UserKey, SuspiciousPatternKind.FailedLoginsByUser, rules.CompromiseSuspect.Threshold),
            new("critical_events_by_user", AlertRules.UserKey, SuspiciousPatternKind.CriticalEventsByUser, rules.CriticalBurst.Threshold),
            new("deletes_by_user", AlertRules.UserKey, SuspiciousPatternKind.DeletesByUser, rules.MassDelete.Threshold),
            new("exports_by_user", AlertRules.UserKey, SuspiciousPatternKind.ExportsByUser, rules.MassExport.Threshold),
        ];
        var patterns = await alerts.PatternsAsync(tenant, kinds, from, to, take, cancellationToken);
        return TypedResults.Ok(new SuspiciousActivityResponse(from, to, [.. open.Select(AlertResponse.From)], total, patterns));
    }

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No alert with this id exists for this tenant.");
}
