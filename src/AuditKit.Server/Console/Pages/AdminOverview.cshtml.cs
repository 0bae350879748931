namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>/console/{tenant}/admin</c>: the tenant's settings as the admin API shows them (read-only: id, name, creation
/// time) and the Admin pages, for a person with the admin role in the tenant.
/// </summary>
internal sealed class AdminOverviewModel(ITenantStore tenants, ConsoleActivityRecorder activity) : ConsoleAdminPageModel
{
    public TenantRecord Tenant { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetTenantAsync(TenantId, cancellationToken);
        if (tenant is null)
        {
            return NotFound();
        }

        Tenant = tenant;
        await activity.RecordViewAsync(HttpContext, Caller, "Tenant", tenant.Id, $"Viewed the settings of tenant '{tenant.Id}' in the console.", cancellationToken);
        return Page();
    }
}
