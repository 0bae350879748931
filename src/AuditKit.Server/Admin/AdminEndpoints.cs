using System.Text.Json.Serialization.Metadata;
using AuditKit.Server.Auth;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Admin;

/// <summary>
/// <c>/api/v1/admin</c>: tenants and their API keys. The bootstrap admin key creates tenants and keys for any tenant;
/// a tenant's admin key creates keys for its own tenant only. Every action is recorded in the affected tenant's log.
/// </summary>
internal static partial class AdminEndpoints
{
    /// <summary>The route prefix of the admin endpoints.</summary>
    public const string RoutePrefix = "/api/v1/admin";

    private const int MaxBodyBytes = 64 * 1024;
    private const int MaxTenantNameLength = 200;
    private const int MaxKeyNameLength = 128;
    private const string ApiKeyResourceType = "ApiKey";

    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(RoutePrefix)
            .WithTags("Administration")
            .RequireAuthorization(AuditKitPolicies.Admin);
        group.RequireRateLimiting(AuditKitRateLimitPolicies.Read);

        group.MapPost("/tenants", CreateTenantAsync)
            .WithName("CreateTenant")
            .WithSummary("Creates a tenant (bootstrap admin key only).")
            .Accepts<CreateTenantRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/tenants/{tenantId}", GetTenantAsync)
            .WithName("GetTenant")
            .WithSummary("One tenant (bootstrap admin key, or the tenant's own admin key).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/tenants/{tenantId}/keys", CreateKeyAsync)
            .ManagesTenant("CreateApiKey", "Creates an API key for a tenant; the key is in the answer this once.")
            .Accepts<CreateApiKeyRequest>("application/json");

        group.MapGet("/tenants/{tenantId}/keys", ListKeysAsync)
            .ManagesTenant("ListApiKeys", "The tenant's API keys, live and revoked: prefixes and roles, never the keys or their hashes.");

        group.MapDelete("/tenants/{tenantId}/keys/{keyId}", RevokeKeyAsync)
            .ManagesTenant("RevokeApiKey", "Revokes an API key at once; requests made with it are unauthorized from then on.");

        group.MapErasureEndpoints();
        return group;
    }

    private static async Task<Results<Ok<ApiKeyListResponse>, ProblemHttpResult>> ListKeysAsync(
        HttpContext context,
        string tenantId,
        ITenantStore tenants,
        AdminAuditRecorder recorder,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListKeysCoreAsync(context, AuditCaller.From(context.User), tenantId, tenants, recorder, cancellationToken));

    /// <summary>
    /// The tenant's keys as <paramref name="caller"/> lists them, the read recorded first: the API's listing and the
    /// console's Keys page. The caller must manage the tenant (<see cref="TenantManagement.CanManageAsync"/>).
    /// </summary>
    internal static async Task<ApiKeyListResponse> ListKeysCoreAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        ITenantStore tenants,
        AdminAuditRecorder recorder,
        CancellationToken cancellationToken)
    {
        var keys = await tenants.ListKeysAsync(tenantId, cancellationToken);
        var listed = new ApiKeyListResponse([.. keys.Select(k => ApiKeyResponse.From(k, tenantId))]);

        // The list is answered only once its read is recorded.
        await recorder.RecordReadAsync(
            context, caller, tenantId, AuditedRead.ReadAction, ApiKeyResourceType, tenantId, "API keys", AuditSeverity.Low,
            $"API keys of tenant '{tenantId}' listed ({keys.Count}).", new JsonObject { ["tenant_id"] = tenantId }, keys.Count, cancellationToken);
        return listed;
    }

    private static Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(
        HttpContext context, string tenantId, string keyId, ApiKeyServices services, CancellationToken cancellationToken) =>
        RevokeKeyCoreAsync(context, AuditCaller.From(context.User), tenantId, keyId, services, cancellationToken);

    /// <summary>
    /// <paramref name="caller"/> revokes a live key listed in the tenant (its own key, or another tenant's key's right
    /// to write into it), recorded in one transaction with the change: the API's revocation and the console's.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyCoreAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        string keyId,
        ApiKeyServices services,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (tenants, recorder, keyLookup, _, timeProvider, loggerFactory) = services;
        var record = Guid.TryParse(keyId, out var id)
            ? (await tenants.ListKeysAsync(tenantId, cancellationToken)).FirstOrDefault(k => k.Id == id && k.RevokedAt is null)
            : null;
        if (record is null)
        {
            return KeyNotFound();
        }

        if (record.TenantId != tenantId)
        {
            return await RevokeTenantAccessAsync(context, caller, tenantId, record, tenants, recorder, keyLookup, loggerFactory, cancellationToken);
        }

        // The revocation and the audit event recording it are stored in one transaction.
        var revoked = new AdminAction(
            AuditActions.Delete, StatusCodes.Status204NoContent, ApiKeyResourceType, record.Id.ToString(), record.Prefix, AuditSeverity.Critical,
            $"API key {record.Prefix}… with role '{record.Role}' revoked in tenant '{tenantId}'.")
        {
            OldValues = Describe(record),
        };
        if (!await recorder.RecordIfAsync(
            context,
            caller,
            tenantId,
            revoked,
            (transaction, ct) => tenants.RevokeKeyAsync(tenantId, id, timeProvider.GetUtcNow(), transaction, ct),
            cancellationToken,
            alsoRecord: [.. record.AllowedTenants.Select(other => (other, revoked with { OldValues = DescribeForeign(record, other) }))]))
        {
            // Revoked by another request since it was listed: nothing changed, nothing recorded.
            return KeyNotFound();
        }

        keyLookup.Invalidate();
        LogKeyRevoked(loggerFactory.CreateLogger(typeof(AdminEndpoints)), record.Prefix, tenantId, caller.KeyPrefix);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Another tenant's multi-tenant key loses the right to write into <paramref name="tenantId"/> (and only that): the
    /// change is recorded in this tenant's log and in the owner's, in one transaction.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTenantAccessAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        ApiKeyRecord record,
        ITenantStore tenants,
        AdminAuditRecorder recorder,
        ApiKeyLookup keyLookup,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        AdminAction Revoked(string inTenant) => new(
            AuditActions.PermissionRevoke, StatusCodes.Status204NoContent, ApiKeyResourceType, record.Id.ToString(), record.Prefix, AuditSeverity.Critical,
            $"API key {record.Prefix}… of tenant '{record.TenantId}' may no longer write into tenant '{tenantId}'.")
        {
            OldValues = inTenant == record.TenantId ? Describe(record) : DescribeForeign(record, tenantId),
            NewValues = new JsonObject { ["revoked_tenant"] = tenantId },
        };

        if (!await recorder.RecordIfAsync(
            context,
            caller,
            tenantId,
            Revoked(tenantId),
            (transaction, ct) => tenants.RevokeTenantAccessAsync(tenantId, record.Id, transaction, ct),
            cancellationToken,
            alsoRecord: [(record.TenantId, Revoked(record.TenantId))]))
        {
            return KeyNotFound();
        }

        keyLookup.Invalidate();
        LogKeyAccessRevoked(loggerFactory.CreateLogger(typeof(AdminEndpoints)), record.Prefix, record.TenantId, tenantId, caller.KeyPrefix);
        return TypedResults.NoContent();
    }

    private static JsonObject Describe(ApiKeyRecord record) => new()
    {
        ["id"] = record.Id.ToString(),
        ["prefix"] = record.Prefix,
        ["role"] = record.Role,
        ["name"] = record.Name,
        ["allowed_tenants"] = new JsonArray([.. record.AllowedTenants.Select(static t => (JsonNode?)t)]),
    };

    /// <summary>A key as recorded in another tenant it writes into: its owner, and of its other tenants only this one.</summary>
    private static JsonObject DescribeForeign(ApiKeyRecord record, string tenantId) => new()
    {
        ["id"] = record.Id.ToString(),
        ["prefix"] = record.Prefix,
        ["role"] = record.Role,
        ["name"] = record.Name,
        ["owner_tenant_id"] = record.TenantId,
        ["allowed_tenants"] = new JsonArray(tenantId),
    };

    private static async Task<Results<Created<TenantResponse>, ValidationProblem, ProblemHttpResult>> CreateTenantAsync(
        HttpContext context,
        ITenantStore tenants,
        AdminAuditRecorder recorder,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        if (!caller.IsBootstrap)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: "Only the bootstrap admin key may create tenants.");
        }

        var (request, problem, invalid) = await ReadAsync(context, AdminJsonContext.Default.CreateTenantRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        var errors = new List<AuditFieldError>();
        if (!TenantIds.IsValid(request!.Id))
        {
            errors.Add(new AuditFieldError("id", TenantIds.Description));
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxTenantNameLength)
        {
            errors.Add(new AuditFieldError("name", $"is required: 1 to {MaxTenantNameLength} characters."));
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(ValidationErrors.ToDictionary(errors), title: "The tenant is not valid.");
        }

        var tenant = new TenantRecord(request.Id!, name!, timeProvider.GetUtcNow());
        // The tenant and the audit event recording its creation (in its own log) are stored in one transaction.
        var created = new AdminAction(
            AuditActions.Create, StatusCodes.Status201Created, "Tenant", tenant.Id, tenant.Name, AuditSeverity.High, $"Tenant '{tenant.Id}' created.")
        {
            NewValues = new JsonObject { ["id"] = tenant.Id, ["name"] = tenant.Name },
        };
        bool stored;
        try
        {
            stored = await recorder.RecordIfAsync(
                context, caller, tenant.Id, created, (transaction, ct) => tenants.CreateTenantAsync(tenant, transaction, ct), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Taken by a request creating the same id at the same moment (this insert failed), or a failure of its own.
            if (await tenants.GetTenantAsync(tenant.Id, cancellationToken) is null)
            {
                throw;
            }

            stored = false;
        }

        if (!stored)
        {
            // Taken before (refused), or by a request creating the same id at the same moment.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Conflict",
                detail: $"A tenant with id '{tenant.Id}' already exists.");
        }

        LogTenantCreated(loggerFactory.CreateLogger(typeof(AdminEndpoints)), tenant.Id, caller.KeyPrefix);

        return TypedResults.Created($"{RoutePrefix}/tenants/{tenant.Id}", new TenantResponse(tenant.Id, tenant.Name, tenant.CreatedAt));
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetTenantAsync(
        HttpContext context,
        string tenantId,
        ITenantStore tenants,
        CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        var tenant = caller.MayManage(tenantId) ? await tenants.GetTenantAsync(tenantId, cancellationToken) : null;
        return tenant is null
            ? TenantManagement.TenantNotFound()
            : TypedResults.Ok(new TenantResponse(tenant.Id, tenant.Name, tenant.CreatedAt));
    }

    private static async Task<Results<Created<ApiKeyCreatedResponse>, ValidationProblem, ProblemHttpResult>> CreateKeyAsync(
        HttpContext context, string tenantId, ApiKeyServices services, CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);

        var (request, problem, invalid) = await ReadAsync(context, AdminJsonContext.Default.CreateApiKeyRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        return await CreateKeyCoreAsync(context, caller, tenantId, request!, services, cancellationToken);
    }

    /// <summary>
    /// <paramref name="caller"/> creates a key for the tenant from <paramref name="request"/> (validated here), stored
    /// with its record in one transaction; the answer holds the key this once. The API's creation and the console's.
    /// </summary>
    internal static async Task<Results<Created<ApiKeyCreatedResponse>, ValidationProblem, ProblemHttpResult>> CreateKeyCoreAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        CreateApiKeyRequest request,
        ApiKeyServices services,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var (tenants, recorder, keyLookup, adminOptions, timeProvider, loggerFactory) = services;
        var errors = new List<AuditFieldError>();
        var role = ApiKeyRoles.Parse(request.Role);
        if (role is null)
        {
            errors.Add(new AuditFieldError("role", $"is required: one of {string.Join(", ", ApiKeyRoles.All)}."));
        }

        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        if (name is { Length: > MaxKeyNameLength })
        {
            errors.Add(new AuditFieldError("name", $"must be at most {MaxKeyNameLength} characters."));
        }

        var allowed = new List<string>();
        if (request.AllowedTenants is { Count: > 0 } requested)
        {
            if (!caller.IsBootstrap)
            {
                errors.Add(new AuditFieldError("allowed_tenants", "may only be set with the bootstrap admin key."));
            }
            else if (role is not null && role != ApiKeyRoles.Ingest)
            {
                errors.Add(new AuditFieldError("allowed_tenants", "may only be set on ingest keys."));
            }
            else
            {
                for (var i = 0; i < requested.Count; i++)
                {
                    var other = requested[i];
                    if (!TenantIds.IsValid(other) || await tenants.GetTenantAsync(other, cancellationToken) is null)
                    {
                        errors.Add(new AuditFieldError($"allowed_tenants[{i}]", "must be the id of an existing tenant."));
                    }
                    else if (other != tenantId && !allowed.Contains(other, StringComparer.Ordinal))
                    {
                        allowed.Add(other);
                    }
                }
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(ValidationErrors.ToDictionary(errors), title: "The API key request is not valid.");
        }

        if (role == ApiKeyRoles.Admin && !caller.IsBootstrap && !adminOptions.Value.TenantAdminsMayCreateAdminKeys)
        {
            // Otherwise a leaked admin key could mint admin keys that outlive its own revocation.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: "A tenant admin key may not create admin keys (AuditKit:Admin:TenantAdminsMayCreateAdminKeys is false); use the bootstrap admin key.");
        }

        var key = ApiKeyCredentials.Generate();
        var record = new ApiKeyRecord(
            Guid.CreateVersion7(timeProvider.GetUtcNow()),
            tenantId,
            role!,
            ApiKeyCredentials.Hash(key),
            ApiKeyCredentials.DisplayPrefix(key),
            name,
            timeProvider.GetUtcNow(),
            RevokedAt: null,
            allowed);
        // The key and the audit event recording it are stored in one transaction.
        var severity = role == ApiKeyRoles.Admin || allowed.Count > 0 ? AuditSeverity.Critical : AuditSeverity.High;
        var created = new AdminAction(
            AuditActions.Create, StatusCodes.Status201Created, ApiKeyResourceType, record.Id.ToString(), record.Prefix, severity,
            $"API key {record.Prefix}… with role '{record.Role}' created for tenant '{tenantId}'.")
        {
            NewValues = Describe(record),
        };
        // Every tenant the key can write into has the record in its own log, in the same transaction.
        await recorder.RecordAsync(
            context,
            caller,
            tenantId,
            created,
            cancellationToken,
            alongside: (_, transaction, ct) => tenants.CreateKeyAsync(record, transaction, ct),
            alsoRecord: [.. allowed.Select(other => (other, created with
            {
                Description = $"API key {record.Prefix}… with role '{record.Role}' created for tenant '{tenantId}', allowed to write into tenant '{other}'.",
                NewValues = DescribeForeign(record, other),
            }))]);
        keyLookup.Invalidate();
        LogKeyCreated(loggerFactory.CreateLogger(typeof(AdminEndpoints)), record.Prefix, record.Role, tenantId, caller.KeyPrefix);

        return TypedResults.Created(
            (string?)null,
            new ApiKeyCreatedResponse(record.Id, key, record.Prefix, record.Role, tenantId, name, allowed, record.CreatedAt));
    }

    private static ProblemHttpResult KeyNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such live API key in this tenant.");

    /// <summary>Reads a small JSON object body; a malformed body or a wrong-typed field is answered naming the field.</summary>
    internal static async Task<(T? Value, ProblemHttpResult? Problem, ValidationProblem? Invalid)> ReadAsync<T>(
        HttpContext context, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        var read = await JsonRequestBody.ReadAsync(
            context, MaxBodyBytes, typeInfo, "expected strings, and an array of strings for allowed_tenants", cancellationToken);
        return read is { Value: null, Problem: null, Invalid: null }
            ? (null, null, JsonRequestBody.Invalid(JsonSyntaxErrorLocator.BodyField, "must be a JSON object."))
            : read;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Tenant {TenantId} created by key {CallerKeyPrefix}")]
    private static partial void LogTenantCreated(ILogger logger, string tenantId, string callerKeyPrefix);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "API key {KeyPrefix} of tenant {TenantId} revoked by key {CallerKeyPrefix}")]
    private static partial void LogKeyRevoked(ILogger logger, string keyPrefix, string tenantId, string callerKeyPrefix);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning,
        Message = "API key {KeyPrefix} of tenant {OwnerTenantId} may no longer write into tenant {TenantId}: revoked by key {CallerKeyPrefix}")]
    private static partial void LogKeyAccessRevoked(ILogger logger, string keyPrefix, string ownerTenantId, string tenantId, string callerKeyPrefix);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information,
        Message = "API key {KeyPrefix} with role {Role} created for tenant {TenantId} by key {CallerKeyPrefix}")]
    private static partial void LogKeyCreated(ILogger logger, string keyPrefix, string role, string tenantId, string callerKeyPrefix);
}
