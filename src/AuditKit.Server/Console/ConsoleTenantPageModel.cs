using System.Security.Claims;
using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuditKit.Server.Console;

/// <summary>
/// A console page of one tenant (<c>/console/{tenant}/…</c>). Before any handler runs, the signed-in person is scoped
/// to the route's tenant (<see cref="PersonPrincipal.ForTenant"/>) and that principal must pass the API's own read
/// policy; a person without a grant there gets 404, the answer the API gives for another tenant's data. Handlers
/// then work as <see cref="Caller"/>, exactly like an API endpoint.
/// </summary>
internal abstract class ConsoleTenantPageModel : PageModel
{
    /// <summary>The route parameter naming the tenant.</summary>
    public const string TenantParameter = "tenant";

    /// <summary>The person acting in <see cref="TenantId"/>, with the API's claims.</summary>
    public AuditCaller Caller { get; private set; } = null!;

    public string TenantId { get; private set; } = string.Empty;

    /// <summary>Every tenant the person holds a grant in, for the tenant switcher.</summary>
    public IReadOnlyList<PersonGrant> Grants { get; private set; } = [];

    /// <summary>The person's role in <see cref="TenantId"/>.</summary>
    public string Role { get; private set; } = string.Empty;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var tenant = RouteData.Values[TenantParameter] as string;
        var scoped = tenant is null ? null : PersonPrincipal.ForTenant(User, tenant);
        if (scoped is null || !await MayOpenAsync(scoped, tenant!, HttpContext.RequestAborted))
        {
            context.Result = NotFound();
            return;
        }

        Caller = AuditCaller.From(scoped);
        TenantId = tenant!;
        Grants = PersonPrincipal.Grants(User);
        Role = Grants.First(g => g.TenantId == TenantId).Role;
        await next();
    }

    /// <summary>
    /// Whether the person, <paramref name="scoped"/> to tenant <paramref name="tenantId"/>, may open the page: the API's
    /// read policy. A page that asks more checks more; the person gets 404 otherwise.
    /// </summary>
    protected virtual async Task<bool> MayOpenAsync(ClaimsPrincipal scoped, string tenantId, CancellationToken cancellationToken) =>
        (await HttpContext.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(scoped, AuditKitPolicies.Read)).Succeeded;

    /// <summary>The same page of another tenant, for the tenant switcher.</summary>
    public string? PageOf(string tenantId) => Url.Page("/Events", new { tenant = tenantId });
}
