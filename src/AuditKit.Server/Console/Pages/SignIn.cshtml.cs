using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuditKit.Server.Console.Pages;

/// <summary>Local sign-in with a console user's name and password; every attempt is recorded in the person's tenants.</summary>
internal sealed class SignInModel(ConsoleUserSignIn signIn, ConsoleActivityRecorder activity, IOptions<ConsoleSignInOptions> options) : PageModel
{
    private const int MaxFieldLength = 256;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    /// <summary>With an OpenID provider configured, signing in is the provider's: the page sends the person there.</summary>
    public IActionResult OnGet() => options.Value.Oidc.IsEnabled
        ? Challenge(new AuthenticationProperties { RedirectUri = IsConsoleUrl(ReturnUrl) ? ReturnUrl : ConsoleAuthentication.BasePath }, ConsoleAuthentication.OidcScheme)
        : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Oidc.IsEnabled)
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(Username) || string.IsNullOrEmpty(Password) || Username.Length > MaxFieldLength || Password.Length > MaxFieldLength)
        {
            Error = "Enter your user name and password.";
            return Page();
        }

        var result = await signIn.SignInAsync(Username, Password, cancellationToken);
        var person = result.User is { } user
            ? PersonPrincipal.Create(
                "local:" + user.Username,
                user.Username,
                user.Grants.Select(static g => PersonGrant.TryParse(g, out var parsed) ? parsed : null).OfType<PersonGrant>(),
                ConsoleAuthentication.CookieScheme)
            : null;
        if (person is not null)
        {
            await activity.RecordSignInAsync(HttpContext, person, result.Outcome, cancellationToken);
        }

        switch (result.Outcome)
        {
            case ConsoleSignInOutcome.Succeeded:
                await HttpContext.SignInAsync(ConsoleAuthentication.CookieScheme, person!, new AuthenticationProperties { IsPersistent = false });
                return LocalRedirect(IsConsoleUrl(ReturnUrl) ? ReturnUrl! : ConsoleAuthentication.BasePath);
            case ConsoleSignInOutcome.LockedOut:
                Error = $"This console user is locked after {options.Value.MaxFailedSignIns} failed sign-ins. Try again later.";
                return Page();
            default:
                Error = "The user name or password is not right.";
                return Page();
        }
    }

    private bool IsConsoleUrl(string? url) =>
        url is not null && Url.IsLocalUrl(url) && url.StartsWith(ConsoleAuthentication.BasePath + "/", StringComparison.Ordinal);
}
