using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuditKit.Server.Console.Pages;

/// <summary>Ends the session (POST only, with the antiforgery token, so a link elsewhere cannot sign a person out).</summary>
internal sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleAuthentication.CookieScheme);
        return LocalRedirect(ConsoleAuthentication.SignInPath);
    }
}
