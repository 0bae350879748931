using AuditKit.Server.Auth;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// The questions security staff ask of one thing or one person, each one call: a resource's history, a user's
/// activity and IP addresses, critical events, failed authentication (as events or grouped by IP or user), and the
/// events of one category (older clients' <c>log_type</c>). Read role; every answer is scoped to the key's tenant and
/// takes the list's filters and paging on top of what the route fixes.
/// </summary>
internal static class AuditHistoryEndpoints
{
    // As long as a filter may be (AuditQueryParser).
    private const int MaxPathValueLength = 512;

    public static RouteGroupBuilder MapAuditHistoryEndpoints(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);

        // The resource id is the rest of the path, so an id with '/' (orders/17) may be sent as is or as %2F.
        group.MapGet("/resource/{type}/{**id}", ResourceHistoryAsync)
            .Reads(
                "GetResourceHistory",
                "A resource's history: every event on it (with its changes), newest first.",
                "Takes the list's filters, paging and sorting; 'resource' and 'resource_id', if given, must match the path.");

        group.MapGet("/user/{userId}", UserActivityAsync)
            .Reads(
                "GetUserActivity",
                "A user's activity, newest first.",
                "Paginated { items, total, limit, offset }. Takes the list's filters (log_type among them), paging and sorting; 'user_id', if given, must match the path.");

        group.MapGet("/user/{userId}/ip-history", IpHistoryAsync)
            .Reads(
                "GetUserIpHistory",
                "The distinct IP addresses a user acted from, with first_seen, last_seen and count; most recently seen first.",
                "Takes the list's filters (e.g. a date range) and limit / offset over the IP addresses.");

        group.MapGet("/critical", CriticalAsync)
            .Reads(
                "ListCriticalEvents",
                "CRITICAL events, newest first.",
                "Takes the list's filters, paging and sorting; 'severity', if given, must be CRITICAL.");

        group.MapGet("/failed-auth", FailedAuthenticationAsync)
            .Reads(
                "ListFailedAuthentication",
                "Failed authentication (LOGIN_FAILED, and LOGIN with status FAILURE): the events, or grouped by IP or user.",
                "Without group_by: events, newest first, with the list's filters and paging. With group_by=ip or group_by=user: " +
                    "one row per IP address or user with count, first_seen and last_seen, most attempts first.");

        // The category is the rest of the path too, so a category with '/' is found sent as is or as %2F.
        group.MapGet("/type/{**logType}", ByCategoryAsync)
            .Reads(
                "ListAuditLogsByType",
                "The events of one category (the older clients' log_type), newest first.",
                "Paginated { items, total, limit, offset }; takes start_date / end_date and the list's other filters.");

        return group;
    }

    /// <summary>
    /// A value taken from one path segment, with <c>%2F</c> read as '/': the server decodes every escape of the path but
    /// that one (which would split the segment), so an id with '/' (<c>svc/backup</c>) arrives as <c>svc%2Fbackup</c>.
    /// </summary>
    internal static string PathValue(string value) =>
        value.Contains('%', StringComparison.Ordinal) ? value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase) : value;

    private static Task<Results<Ok<AuditEventListResponse>, ValidationProblem>> ResourceHistoryAsync(
        HttpContext context, string type, string id, [AsParameters] AuditLogQueryParameters parameters,
        IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken) =>
        ListAsync(context, parameters, store, options.Value, (query, errors) => query with
        {
            ResourceType = Pin(errors, "resource", query.ResourceType, PathValue(type)),
            ResourceId = Pin(errors, "resource_id", query.ResourceId, PathValue(id)),
        }, cancellationToken);

    private static Task<Results<Ok<AuditEventListResponse>, ValidationProblem>> UserActivityAsync(
        HttpContext context, string userId, [AsParameters] AuditLogQueryParameters parameters,
        IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken) =>
        ListAsync(context, parameters, store, options.Value, (query, errors) => query with
        {
            UserId = Pin(errors, "user_id", query.UserId, PathValue(userId)),
        }, cancellationToken);

    private static Task<Results<Ok<AuditEventListResponse>, ValidationProblem>> CriticalAsync(
        HttpContext context, [AsParameters] AuditLogQueryParameters parameters,
        IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken) =>
        ListAsync(context, parameters, store, options.Value, static (query, errors) =>
        {
            if (query.Severity.IsSet && query.Severity != AuditSeverity.Critical)
            {
                errors["severity"] = ["is always CRITICAL on this route; leave it out."];
            }

            return query with { Severity = AuditSeverity.Critical };
        }, cancellationToken);

    private static Task<Results<Ok<AuditEventListResponse>, ValidationProblem>> ByCategoryAsync(
        HttpContext context, string logType, [AsParameters] AuditLogQueryParameters parameters,
        IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken) =>
        ListAsync(context, parameters, store, options.Value, (query, errors) => query with
        {
            Category = Pin(errors, "category", query.Category, PathValue(logType)),
        }, cancellationToken);

    private static async Task<Results<Ok<AuditGroupListResponse>, ValidationProblem>> IpHistoryAsync(
        HttpContext context, string userId, [AsParameters] AuditLogQueryParameters parameters,
        IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken)
    {
        userId = PathValue(userId);
        if (!TryParse(parameters, options.Value, (query, errors) => query with { UserId = Pin(errors, "user_id", query.UserId, userId) }, out var query, out var problem))
        {
            return problem;
        }

        var caller = AuditCaller.From(context.User);
        var page = await store.GroupAsync(caller.TenantId!, query, AuditGroupField.IpAddress, AuditGroupOrder.LastSeen, cancellationToken);
        return TypedResults.Ok(AuditGroupListResponse.From(page, AuditGroupField.IpAddress, query, userId));
    }

    private static async Task<Results<Ok<AuditEventListResponse>, Ok<AuditGroupListResponse>, ValidationProblem>> FailedAuthenticationAsync(
        HttpContext context, [AsParameters] AuditLogQueryParameters parameters,
        [FromQuery(Name = "group_by"), System.ComponentModel.Description("ip or user: one row per IP address or user instead of events.")] string? groupBy,
        IAuditEventStore store, IOptions<AuditKitServerOptions> options, CancellationToken cancellationToken)
    {
        AuditGroupField? field = null;
        if (!TryParse(parameters, options.Value, (query, errors) =>
            {
                if (!string.IsNullOrWhiteSpace(groupBy))
                {
                    field = groupBy.Trim().ToLowerInvariant() switch
                    {
                        "ip" or "ip_address" => AuditGroupField.IpAddress,
                        "user" or "user_id" => AuditGroupField.UserId,
                        _ => null,
                    };
                    if (field is null)
                    {
                        errors["group_by"] = ["must be ip or user."];
                    }
                }

                return query with { FailedAuthentication = true };
            }, out var query, out var problem))
        {
            return problem;
        }

        var caller = AuditCaller.From(context.User);
        if (field is { } groupField)
        {
            var groups = await store.GroupAsync(caller.TenantId!, query, groupField, AuditGroupOrder.Count, cancellationToken);
            return TypedResults.Ok(AuditGroupListResponse.From(groups, groupField, query, userId: null));
        }

        var page = await store.QueryAsync(caller.TenantId!, query, cancellationToken);
        return TypedResults.Ok(AuditEventListResponse.From(page, query));
    }

    // Every route here: the read role, its OpenAPI name, summary and description.
    private static RouteHandlerBuilder Reads(this RouteHandlerBuilder route, string name, string summary, string description) =>
        route.RequireAuthorization(AuditKitPolicies.Read).WithName(name).WithSummary(summary).WithDescription(description);

    private static async Task<Results<Ok<AuditEventListResponse>, ValidationProblem>> ListAsync(
        HttpContext context,
        AuditLogQueryParameters parameters,
        IAuditEventStore store,
        AuditKitServerOptions options,
        Func<AuditEventQuery, Dictionary<string, string[]>, AuditEventQuery> pin,
        CancellationToken cancellationToken)
    {
        if (!TryParse(parameters, options, pin, out var query, out var problem))
        {
            return problem;
        }

        var caller = AuditCaller.From(context.User);
        var page = await store.QueryAsync(caller.TenantId!, query, cancellationToken);
        return TypedResults.Ok(AuditEventListResponse.From(page, query));
    }

    /// <summary>Parses the list parameters, then fixes what the route fixes; any conflict is a problem.</summary>
    internal static bool TryParse(
        AuditLogQueryParameters parameters,
        AuditKitServerOptions options,
        Func<AuditEventQuery, Dictionary<string, string[]>, AuditEventQuery> pin,
        out AuditEventQuery query,
        out ValidationProblem problem)
    {
        AuditQueryParser.TryParse(parameters, options, out var parsed, out var errors);
        query = pin(parsed, errors);
        problem = errors.Count == 0 ? null! : ValidationErrors.InvalidQuery(errors);
        return errors.Count == 0;
    }

    // A filter the path already fixes may be repeated in the query string, but not contradicted.
    internal static AnyOf<string> Pin(Dictionary<string, string[]> errors, string field, AnyOf<string> given, string fromPath)
    {
        if (fromPath.Length == 0)
        {
            errors[field] = ["is required in the path."];
        }
        else if (fromPath.Length > MaxPathValueLength)
        {
            errors[field] = [$"must be at most {MaxPathValueLength} characters."];
        }
        else if (given.IsSet && given != fromPath)
        {
            errors[field] = ["must match the value in the path, or be left out."];
        }

        return fromPath;
    }
}
