namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/admin/users</c>: the tenant's console users through the console-user API's own code — the
/// listing, creating a user or granting an existing one a role (no password then), and revoking a role after a
/// confirmation — each change recorded with the person as the actor, never with a password.
/// </summary>
internal sealed class AdminUsersModel(ConsoleUserServices services, ConsoleActivityRecorder activity) : ConsoleAdminListPageModel
{
    public IReadOnlyList<ConsoleUserResponse> Users { get; private set; } = [];

    /// <summary>What the last change did, shown once.</summary>
    public string? Done { get; private set; }

    /// <summary>The user the person is asked to confirm the revocation of.</summary>
    public ConsoleUserResponse? ToRevoke { get; private set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? NewRole { get; set; }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var request = new CreateConsoleUserRequest { Username = Username, Password = string.IsNullOrEmpty(Password) ? null : Password, Role = NewRole };
        var answer = await ConsoleUserEndpoints.CreateCoreAsync(
            HttpContext, Caller, TenantId, request, services, cancellationToken);
        Password = null;
        switch (answer.Result)
        {
            case Created<ConsoleUserResponse> { Value: { } created }:
                Done = $"Console user {created.Username} created with role {created.Role}.";
                Username = null;
                break;
            case Ok<ConsoleUserResponse> { Value: { } granted }:
                Done = $"Console user {granted.Username} now holds role {granted.Role} in this tenant.";
                Username = null;
                break;
            default:
                return await RefusedAsync(answer.Result, cancellationToken);
        }

        await ListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmRevokeAsync(string? username, CancellationToken cancellationToken)
    {
        ToRevoke = (await ConsoleUserEndpoints.ListCoreAsync(TenantId, services.Users, cancellationToken)).Items
            .FirstOrDefault(u => string.Equals(u.Username, username?.Trim(), StringComparison.OrdinalIgnoreCase));
        return ToRevoke is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? username, CancellationToken cancellationToken)
    {
        var answer = await ConsoleUserEndpoints.RevokeCoreAsync(
            HttpContext, Caller, TenantId, username?.Trim() ?? string.Empty, services.Users, services.Recorder, services.LoggerFactory, cancellationToken);
        return Removed(answer.Result, "/AdminUsers");
    }

    protected override async Task ListAsync(CancellationToken cancellationToken)
    {
        Users = (await ConsoleUserEndpoints.ListCoreAsync(TenantId, services.Users, cancellationToken)).Items;
        await activity.RecordViewAsync(
            HttpContext, Caller, "ConsoleUser", "list", $"Listed the console users of tenant '{TenantId}' in the console ({Users.Count}).", cancellationToken);
    }
}
