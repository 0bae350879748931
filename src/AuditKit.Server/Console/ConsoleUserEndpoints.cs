using System.Text.RegularExpressions;
using AuditKit.Server.Admin;
using AuditKit.Server.Auth;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Console;

/// <summary>
/// <c>/api/v1/admin/tenants/{tenantId}/console-users</c>: the people who may sign in to the console with a local
/// password (the embedded default, when no OpenID provider is configured). Same rules as the tenant's keys: the
/// bootstrap admin key or the tenant's admin key, and every change recorded in the tenant's log.
/// </summary>
internal static partial class ConsoleUserEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxPasswordLength = 256;
    private const string ResourceType = "ConsoleUser";

    public static RouteGroupBuilder MapConsoleUserEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(AdminEndpoints.RoutePrefix)
            .WithTags("Administration")
            .RequireAuthorization(AuditKitPolicies.Admin);

        group.MapPost("/tenants/{tenantId}/console-users", CreateAsync)
            .ManagesTenant(
                "CreateConsoleUser",
                "Creates a console user with a role in the tenant, or grants an existing one the role (no password then).")
            .Accepts<CreateConsoleUserRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/tenants/{tenantId}/console-users/{username}", RevokeAsync)
            .ManagesTenant("RevokeConsoleUserRole", "Takes the console user's role in the tenant away (the user and its roles in other tenants stay).");

        group.MapGet("/tenants/{tenantId}/console-users", ListAsync)
            .ManagesTenant("ListConsoleUsers", "The console users holding a role in the tenant.");

        return group;
    }

    private static async Task<Ok<ConsoleUserListResponse>> ListAsync(string tenantId, IConsoleUserStore users, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListCoreAsync(tenantId, users, cancellationToken));

    /// <summary>The console users holding a role in the tenant, with that role (the API's listing and the console's).</summary>
    internal static async Task<ConsoleUserListResponse> ListCoreAsync(string tenantId, IConsoleUserStore users, CancellationToken cancellationToken)
    {
        var list = await users.ListAsync(tenantId, cancellationToken);
        return new ConsoleUserListResponse([.. list.Select(u => ConsoleUserResponse.From(u, tenantId, RoleIn(u, tenantId)!))]);
    }

    private static async Task<Results<Created<ConsoleUserResponse>, Ok<ConsoleUserResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext context, string tenantId, ConsoleUserServices services, CancellationToken cancellationToken)
    {
        var caller = AuditCaller.From(context.User);
        // A malformed body or a wrong-typed field is answered as a body that is not an object of strings.
        var (request, problem, invalid) = await JsonRequestBody.ReadAsync(
            context, MaxBodyBytes, ConsoleJsonContext.Default.CreateConsoleUserRequest, "expected strings", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (request is null || invalid is not null)
        {
            return JsonRequestBody.Invalid(JsonSyntaxErrorLocator.BodyField, "must be a JSON object of strings: username, password, role.");
        }

        return await CreateCoreAsync(context, caller, tenantId, request, services, cancellationToken);
    }

    /// <summary>
    /// <paramref name="caller"/> creates a console user with a role in the tenant, or grants an existing one the role
    /// (no password then), from <paramref name="request"/> (validated here); the change and its record are stored in
    /// one transaction. The API's creation and the console's.
    /// </summary>
    internal static async Task<Results<Created<ConsoleUserResponse>, Ok<ConsoleUserResponse>, ValidationProblem, ProblemHttpResult>> CreateCoreAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        CreateConsoleUserRequest request,
        ConsoleUserServices services,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var (users, recorder, timeProvider, options, loggerFactory) = services;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var username = request.Username?.Trim();
        if (username is null || !UsernamePattern().IsMatch(username))
        {
            errors["username"] = ["is required: 1 to 64 letters, digits, '.', '_', '-' or '@'."];
        }

        var role = ConsoleRoles.Parse(request.Role);
        if (role is null)
        {
            errors["role"] = [$"is required: one of {string.Join(", ", ConsoleRoles.All)}."];
        }

        var minimum = options.Value.MinimumPasswordLength;
        if (request.Password is { } password && (password.Length < minimum || password.Length > MaxPasswordLength))
        {
            errors["password"] = [$"must be {minimum} to {MaxPasswordLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The console user is not valid.");
        }

        var grant = new PersonGrant(tenantId, role!);
        var existing = await users.FindAsync(username!, cancellationToken);
        var logger = loggerFactory.CreateLogger(typeof(ConsoleUserEndpoints));
        if (existing is not null)
        {
            if (request.Password is not null)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Conflict",
                    detail: "A console user with this name exists. To give it a role in this tenant, send no password: a tenant admin may not set the password of a person other tenants trust.");
            }

            var grants = existing.Grants.Where(g => !PersonGrant.TryParse(g, out var parsed) || parsed.Value.TenantId != tenantId)
                .Append(grant.ToString()).ToList();
            var granted = new AdminAction(
                AuditActions.PermissionGrant, StatusCodes.Status200OK, ResourceType, existing.Id.ToString(), existing.Username, AuditSeverity.Critical,
                $"Console user '{existing.Username}' granted role '{role}' in tenant '{tenantId}'.")
            {
                OldValues = RoleIn(existing, tenantId) is { } before ? Describe(existing.Username, before) : null,
                NewValues = Describe(existing.Username, role!),
            };
            await recorder.RecordAsync(context, caller, tenantId, granted, cancellationToken,
                alongside: (_, transaction, ct) => users.SetGrantsAsync(existing.Id, grants, transaction, ct));
            LogGranted(logger, existing.Username, role!, tenantId, caller.KeyPrefix);
            return TypedResults.Ok(ConsoleUserResponse.From(existing, tenantId, role!));
        }

        if (request.Password is null)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["password"] = [$"is required for a new console user: {minimum} to {MaxPasswordLength} characters."] },
                title: "The console user is not valid.");
        }

        var now = timeProvider.GetUtcNow();
        var user = new ConsoleUserRecord(
            Guid.CreateVersion7(now), ConsoleUserStore.Normalize(username!), ConsoleUserSignIn.HashPassword(request.Password), [grant.ToString()], 0, null, now);
        var created = new AdminAction(
            AuditActions.Create, StatusCodes.Status201Created, ResourceType, user.Id.ToString(), user.Username, AuditSeverity.Critical,
            $"Console user '{user.Username}' created with role '{role}' in tenant '{tenantId}'.")
        {
            NewValues = Describe(user.Username, role!),
        };
        if (!await recorder.RecordIfAsync(
            context, caller, tenantId, created, (transaction, ct) => users.CreateAsync(user, transaction, ct), cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "A console user with this name was created meanwhile.");
        }

        LogCreated(logger, user.Username, role!, tenantId, caller.KeyPrefix);
        return TypedResults.Created((string?)null, ConsoleUserResponse.From(user, tenantId, role!));
    }

    private static Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        HttpContext context,
        string tenantId,
        string username,
        IConsoleUserStore users,
        AdminAuditRecorder recorder,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken) =>
        RevokeCoreAsync(context, AuditCaller.From(context.User), tenantId, username, users, recorder, loggerFactory, cancellationToken);

    /// <summary>
    /// <paramref name="caller"/> takes the role of console user <paramref name="username"/> in the tenant away; the
    /// change and its record (<c>PERMISSION_REVOKE</c>) are stored in one transaction. The API's revocation and the console's.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeCoreAsync(
        HttpContext context,
        AuditCaller caller,
        string tenantId,
        string username,
        IConsoleUserStore users,
        AdminAuditRecorder recorder,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var existing = UsernamePattern().IsMatch(username ?? string.Empty) ? await users.FindAsync(username!, cancellationToken) : null;
        var role = existing is null ? null : RoleIn(existing, tenantId);
        if (existing is null || role is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No console user with a role in this tenant by that name.");
        }

        var grants = existing.Grants.Where(g => !PersonGrant.TryParse(g, out var parsed) || parsed.Value.TenantId != tenantId).ToList();
        var revoked = new AdminAction(
            AuditActions.PermissionRevoke, StatusCodes.Status204NoContent, ResourceType, existing.Id.ToString(), existing.Username, AuditSeverity.Critical,
            $"Console user '{existing.Username}' lost role '{role}' in tenant '{tenantId}'.")
        {
            OldValues = Describe(existing.Username, role),
        };
        await recorder.RecordAsync(context, caller, tenantId, revoked, cancellationToken,
            alongside: (_, transaction, ct) => users.SetGrantsAsync(existing.Id, grants, transaction, ct));
        LogRevoked(loggerFactory.CreateLogger(typeof(ConsoleUserEndpoints)), existing.Username, role, tenantId, caller.KeyPrefix);
        return TypedResults.NoContent();
    }

    private static string? RoleIn(ConsoleUserRecord user, string tenantId) =>
        user.Grants.Select(g => PersonGrant.TryParse(g, out var parsed) ? parsed : null)
            .Where(g => g?.TenantId == tenantId)
            .Select(g => g!.Value.Role)
            .MaxBy(ConsoleRoles.Rank);

    private static JsonObject Describe(string username, string role) => new() { ["username"] = username, ["role"] = role };

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex UsernamePattern();

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Console user {Username} created with role {Role} in tenant {TenantId} by key {CallerKeyPrefix}")]
    private static partial void LogCreated(ILogger logger, string username, string role, string tenantId, string callerKeyPrefix);

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Console user {Username} granted role {Role} in tenant {TenantId} by key {CallerKeyPrefix}")]
    private static partial void LogGranted(ILogger logger, string username, string role, string tenantId, string callerKeyPrefix);

    [LoggerMessage(EventId = 312, Level = LogLevel.Warning, Message = "Console user {Username} lost role {Role} in tenant {TenantId}: revoked by {CallerKeyPrefix}")]
    private static partial void LogRevoked(ILogger logger, string username, string role, string tenantId, string callerKeyPrefix);
}
