using System.Security.Claims;
using AuditKit.Server.Admin;
using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authorization;

namespace AuditKit.Server.Console;

/// <summary>
/// An Admin page of one tenant (<c>/console/{tenant}/admin/…</c>): on top of <see cref="ConsoleTenantPageModel"/>,
/// the person acting in the tenant must pass the API's admin policy and the rule every tenant-management endpoint
/// applies (<see cref="TenantManagement.CanManageAsync"/>). A person with the read or triage role there gets 404,
/// as the admin API answers a key that may not manage the tenant.
/// </summary>
internal abstract class ConsoleAdminPageModel : ConsoleTenantPageModel
{
    /// <summary>What the last change was refused for, by field (the API's problem details).</summary>
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>The admin policy and the tenant-management rule, then the read policy every tenant page asks.</summary>
    protected override async Task<bool> MayOpenAsync(ClaimsPrincipal scoped, string tenantId, CancellationToken cancellationToken)
    {
        var services = HttpContext.RequestServices;
        return (await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(scoped, AuditKitPolicies.Admin)).Succeeded
            && await services.GetRequiredService<ITenantStore>().CanManageAsync(AuditCaller.From(scoped), tenantId, cancellationToken)
            && await base.MayOpenAsync(scoped, tenantId, cancellationToken);
    }

    /// <summary>
    /// Shows why the API's code refused a change: its validation errors by field, or its problem's detail under
    /// <c>form</c>; the page is answered with the problem's status code.
    /// </summary>
    protected void ShowRefusal(IResult result)
    {
        switch (result)
        {
            case ValidationProblem validation:
                foreach (var (field, messages) in validation.ProblemDetails.Errors)
                {
                    Errors[field] = messages;
                }

                Response.StatusCode = validation.StatusCode;
                break;
            case ProblemHttpResult problem:
                Errors["form"] = [problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "The change was refused."];
                Response.StatusCode = problem.StatusCode;
                break;
            default:
                throw new InvalidOperationException($"Unexpected answer {result.GetType().Name}.");
        }
    }

    /// <summary>Marks a page that shows a secret once: never stored by the browser or a proxy.</summary>
    protected void DoNotStore() => Response.Headers.CacheControl = "no-store";
}
