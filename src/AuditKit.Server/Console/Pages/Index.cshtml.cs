using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuditKit.Server.Console.Pages;

/// <summary><c>/console</c>: the Events page of the chosen tenant (the tenant switcher) or of the person's first tenant.</summary>
internal sealed class IndexModel : PageModel
{
    public IActionResult OnGet(string? tenant)
    {
        var grants = PersonPrincipal.Grants(User);
        if (!string.IsNullOrEmpty(tenant))
        {
            return grants.Any(g => g.TenantId == tenant) ? RedirectToPage("/Events", new { tenant }) : NotFound();
        }

        return grants.Count > 0 ? RedirectToPage("/Events", new { tenant = grants[0].TenantId }) : Page();
    }
}
