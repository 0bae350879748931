using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// The end of a sign-in through the OpenID provider: a same-site page that moves on to the console (meta refresh, no
/// script), so the browser sends the SameSite=Strict session cookie on the next request.
/// </summary>
internal sealed class SignedInModel : PageModel
{
    public string Target { get; private set; } = ConsoleAuthentication.BasePath;

    public void OnGet(string? returnUrl)
    {
        if (returnUrl is not null && Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith(ConsoleAuthentication.BasePath + "/", StringComparison.Ordinal))
        {
            Target = returnUrl;
        }
    }
}
