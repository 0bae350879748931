using AuditKit.Server.Admin;
using AuditKit.Server.Auth;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// <c>/api/v1/admin/tenants/{tenantId}/webhooks</c> and <c>…/webhook-deliveries</c>: a tenant's alert webhooks and
/// their delivery log, for the tenant's admin key (or the bootstrap key). Creating and deleting are audited; the
/// signing secret is in the creation answer only, and never in a log or an audit event.
/// </summary>
internal static partial class WebhookEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxUrlLength = 2048;
    private const int MaxDescriptionLength = 200;
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 1000;
    private const string WebhookResourceType = "Webhook";

    public static RouteGroupBuilder MapWebhookEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(AdminEndpoints.RoutePrefix + "/tenants/{tenantId}")
            .WithTags("Webhooks")
            .RequireAuthorization(AuditKitPolicies.Admin)
            .RequireRateLimiting(AuditKitRateLimitPolicies.Read);

        group.MapPost("/webhooks", CreateAsync)
            .ManagesTenant("CreateWebhook", "Adds a webhook that receives the tenant's new alerts; the signing secret is in this answer only.")
            .Accepts<CreateWebhookRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/webhooks", ListAsync)
            .ManagesTenant("ListWebhooks", "The tenant's webhooks (never their secrets).");

        group.MapDelete("/webhooks/{webhookId}", DeleteAsync)
            .ManagesTenant("DeleteWebhook", "Removes a webhook; its delivery log is kept.");

        group.MapGet("/webhook-deliveries", ListDeliveriesAsync)
            .ManagesTenant(
                "ListWebhookDeliveries",
                "The delivery log, newest first: status (pending / delivered / failed), attempts, last response status or error.")
            .WithDescription("Query: webhook_id, status, limit (1-1000, default 50), offset.");
        return group;
    }

    private static async Task<Results<Created<WebhookCreatedResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext context, string tenantId, WebhookServices services, CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        if (!services.Protector.IsConfigured)
        {
            return NotConfigured();
        }

        var (request, problem, invalid) = await JsonRequestBody.ReadAsync(
            context, MaxBodyBytes, WebhookJsonContext.Default.CreateWebhookRequest, "expected strings", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        return await CreateCoreAsync(context, caller, tenantId, request ?? new CreateWebhookRequest(null, null, null), services, cancellationToken);
    }

    /// <summary>
    /// <paramref name="caller"/> adds a webhook from <paramref name="request"/> (validated here), stored with its
    /// record in one transaction; the answer holds the signing secret this once. The API's creation and the console's.
    /// </summary>
    internal static async Task<Results<Created<WebhookCreatedResponse>, ValidationProblem, ProblemHttpResult>> CreateCoreAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        CreateWebhookRequest request,
        WebhookServices services,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var (webhooks, protector, addresses, recorder, options, timeProvider, loggerFactory) = services;
        if (!protector.IsConfigured)
        {
            return NotConfigured();
        }

        var errors = new List<AuditFieldError>();
        var url = request.Url?.Trim();
        if (string.IsNullOrEmpty(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            errors.Add(new AuditFieldError("url", $"is required: an absolute http(s) URL of at most {MaxUrlLength} characters, without credentials or fragment."));
        }
        else if (options.Value.RequireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add(new AuditFieldError("url", "must be an https URL."));
        }
        else if (addresses.RefusalOf(uri) is { } refusal)
        {
            errors.Add(new AuditFieldError("url", refusal));
        }

        var minimum = AuditSeverity.Low;
        if (!string.IsNullOrWhiteSpace(request.MinimumSeverity) && !AuditEnumNames.TryParseSeverity(request.MinimumSeverity.Trim(), out minimum))
        {
            errors.Add(new AuditFieldError("minimum_severity", $"must be one of {AuditEnumNames.SeverityList}."));
        }

        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        if (description is { Length: > MaxDescriptionLength })
        {
            errors.Add(new AuditFieldError("description", $"must be at most {MaxDescriptionLength} characters."));
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(ValidationErrors.ToDictionary(errors), title: "The webhook is not valid.");
        }

        var now = AuditEventRow.ToStoredTime(timeProvider.GetUtcNow());
        var id = Guid.CreateVersion7(now);
        var secret = WebhookSecretProtector.NewSecret();
        var row = new WebhookRow
        {
            TenantId = tenantId,
            Id = id,
            Url = url!,
            SecretCiphertext = protector.Protect(tenantId, id, secret),
            MinimumSeverity = minimum,
            Description = description,
            CreatedAt = now,
        };
        var created = new AdminAction(
            AuditActions.Create, StatusCodes.Status201Created, WebhookResourceType, id.ToString(), url!, AuditSeverity.High,
            $"Webhook {id} for alerts of severity {Name(minimum)} and above created in tenant '{tenantId}'.")
        {
            NewValues = Describe(row),
        };
        await recorder.RecordAsync(
            context,
            caller,
            tenantId,
            created,
            cancellationToken,
            alongside: (_, transaction, ct) => webhooks.CreateAsync(row, transaction, ct));
        LogCreated(loggerFactory.CreateLogger(typeof(WebhookEndpoints)), id, tenantId, caller.KeyPrefix);
        return TypedResults.Created(
            $"{AdminEndpoints.RoutePrefix}/tenants/{tenantId}/webhooks/{id}",
            new WebhookCreatedResponse(id, tenantId, row.Url, minimum, description, now, secret));
    }

    private static async Task<Results<Ok<WebhookListResponse>, ProblemHttpResult>> ListAsync(
        HttpContext context, AdminAuditRecorder recorder,
        string tenantId, IWebhookStore webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListCoreAsync(context, AuditCaller.From(context.User), tenantId, recorder, webhooks, cancellationToken));

    /// <summary>The tenant's webhooks as <paramref name="caller"/> lists them, the read recorded first (the API's listing and the console's).</summary>
    internal static async Task<WebhookListResponse> ListCoreAsync(
        HttpContext context, AuditCaller caller, string tenantId, AdminAuditRecorder recorder, IWebhookStore webhooks, CancellationToken cancellationToken)
    {
        var rows = await webhooks.ListAsync(tenantId, cancellationToken);
        await recorder.RecordReadAsync(
            context, caller, tenantId, AuditedRead.ReadAction, WebhookResourceType, tenantId, "Webhooks", AuditSeverity.Low,
            $"Webhooks of tenant '{tenantId}' listed ({rows.Count}).", new JsonObject { ["tenant_id"] = tenantId }, rows.Count, cancellationToken);
        return new WebhookListResponse([.. rows.Select(WebhookResponse.From)]);
    }

    private static Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        HttpContext context,
        string tenantId,
        string webhookId,
        IWebhookStore webhooks,
        AdminAuditRecorder recorder,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken) =>
        DeleteCoreAsync(context, AuditCaller.From(context.User), tenantId, webhookId, webhooks, recorder, loggerFactory, cancellationToken);

    /// <summary><paramref name="caller"/> removes a webhook of the tenant, recorded in one transaction with the change (the API's deletion and the console's).</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteCoreAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        string webhookId,
        IWebhookStore webhooks,
        AdminAuditRecorder recorder,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var row = Guid.TryParse(webhookId, out var id) ? await webhooks.GetAsync(tenantId, id, cancellationToken) : null;
        if (row is null)
        {
            return WebhookNotFound();
        }

        // The deletion and the audit event recording it are stored in one transaction.
        var deleted = new AdminAction(
            AuditActions.Delete, StatusCodes.Status204NoContent, WebhookResourceType, id.ToString(), row.Url, AuditSeverity.High,
            $"Webhook {id} deleted in tenant '{tenantId}'.")
        {
            OldValues = Describe(row),
        };
        if (!await recorder.RecordIfAsync(
            context, caller, tenantId, deleted, (transaction, ct) => webhooks.DeleteAsync(tenantId, id, transaction, ct), cancellationToken))
        {
            // Deleted by another request since it was read: nothing changed, nothing recorded.
            return WebhookNotFound();
        }

        LogDeleted(loggerFactory.CreateLogger(typeof(WebhookEndpoints)), id, tenantId, caller.KeyPrefix);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<WebhookDeliveryListResponse>, ValidationProblem, ProblemHttpResult>> ListDeliveriesAsync(
        string tenantId,
        [FromQuery(Name = "webhook_id")] string? webhookId,
        [FromQuery(Name = "status")] string? status,
        [FromQuery(Name = "limit")] string? limit,
        [FromQuery(Name = "offset")] string? offset,
        IWebhookStore webhooks,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];
        Guid? hook = null;
        if (!string.IsNullOrWhiteSpace(webhookId))
        {
            if (Guid.TryParse(webhookId.Trim(), out var parsed))
            {
                hook = parsed;
            }
            else
            {
                Fail("webhook_id", "must be a webhook id (a UUID).");
            }
        }

        WebhookDeliveryStatus? state = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            state = status.Trim().ToLowerInvariant() switch
            {
                "pending" => WebhookDeliveryStatus.Pending,
                "delivered" => WebhookDeliveryStatus.Delivered,
                "failed" => WebhookDeliveryStatus.Failed,
                _ => null,
            };
            if (state is null)
            {
                Fail("status", "must be one of pending, delivered, failed.");
            }
        }

        var take = QueryNumbers.Count("limit", limit, DefaultPageSize, MaxPageSize, Fail);
        var skip = QueryNumbers.Offset("offset", offset, Fail);

        if (errors.Count > 0)
        {
            return ValidationErrors.InvalidQuery(errors);
        }

        var (items, total) = await webhooks.ListDeliveriesAsync(tenantId, hook, state, take, skip, cancellationToken);
        return TypedResults.Ok(new WebhookDeliveryListResponse([.. items.Select(WebhookDeliveryResponse.From)], total, take, skip));
    }

    private static JsonObject Describe(WebhookRow row) => new()
    {
        ["id"] = row.Id.ToString(),
        ["url"] = row.Url,
        ["minimum_severity"] = Name(row.MinimumSeverity),
        ["description"] = row.Description,
    };

    private static string Name(AuditSeverity severity) => severity.ToString().ToUpperInvariant();

    private static ProblemHttpResult NotConfigured() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Webhooks are not configured",
            detail: $"Set {WebhookOptions.SectionName}:SecretKey (32 bytes, base64) so webhook secrets can be stored encrypted.");

    private static ProblemHttpResult WebhookNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such webhook in this tenant.");

    [LoggerMessage(EventId = 630, Level = LogLevel.Information, Message = "Webhook {WebhookId} created in tenant {TenantId} by key {KeyPrefix}")]
    private static partial void LogCreated(ILogger logger, Guid webhookId, string tenantId, string keyPrefix);

    [LoggerMessage(EventId = 631, Level = LogLevel.Information, Message = "Webhook {WebhookId} deleted in tenant {TenantId} by key {KeyPrefix}")]
    private static partial void LogDeleted(ILogger logger, Guid webhookId, string tenantId, string keyPrefix);
}
