using AuditKit.Server.Admin;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/admin/keys</c>: the tenant's API keys through the admin API's own code — the listing (its read
/// recorded), creation (the key is on the answer to the form post only, <c>Cache-Control: no-store</c>, never again)
/// and revocation after a confirmation — each recorded with the person as the actor.
/// </summary>
internal sealed class AdminKeysModel(ApiKeyServices services) : ConsoleAdminListPageModel
{
    public IReadOnlyList<ApiKeyResponse> Keys { get; private set; } = [];

    /// <summary>The key just created, shown on this answer only.</summary>
    public ApiKeyCreatedResponse? Created { get; private set; }

    /// <summary>The key the person is asked to confirm the revocation of.</summary>
    public ApiKeyResponse? ToRevoke { get; private set; }

    [BindProperty]
    public string? KeyRole { get; set; }

    [BindProperty]
    public string? KeyName { get; set; }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var answer = await AdminEndpoints.CreateKeyCoreAsync(
            HttpContext, Caller, TenantId, new CreateApiKeyRequest(KeyRole, KeyName, null), services, cancellationToken);
        return await ShowCreatedOnceAsync<ApiKeyCreatedResponse>(answer.Result, created => Created = created, cancellationToken);
    }

    public async Task<IActionResult> OnPostConfirmRevokeAsync(string? id, CancellationToken cancellationToken)
    {
        ToRevoke = Guid.TryParse(id, out var keyId)
            ? (await services.Tenants.ListKeysAsync(TenantId, cancellationToken)).Where(k => k.Id == keyId && k.RevokedAt is null).Select(k => ApiKeyResponse.From(k, TenantId)).FirstOrDefault()
            : null;
        return ToRevoke is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? id, CancellationToken cancellationToken)
    {
        var answer = await AdminEndpoints.RevokeKeyCoreAsync(HttpContext, Caller, TenantId, id ?? string.Empty, services, cancellationToken);
        return Removed(answer.Result, "/AdminKeys");
    }

    protected override async Task ListAsync(CancellationToken cancellationToken) =>
        Keys = (await AdminEndpoints.ListKeysCoreAsync(HttpContext, Caller, TenantId, services.Tenants, services.Recorder, cancellationToken)).Items;
}
