namespace AuditKit.Server.Console;

/// <summary>The console's authentication scheme, authorization policy and paths.</summary>
internal static class ConsoleAuthentication
{
    /// <summary>The session cookie scheme a signed-in person is remembered by.</summary>
    public const string CookieScheme = "AuditKitConsole";

    /// <summary>Pages of the console: a signed-in person (tenant access is checked per page, see <see cref="ConsoleTenantPageModel"/>).</summary>
    public const string Policy = "auditkit:console";

    /// <summary>Where the console lives.</summary>
    public const string BasePath = "/console";

    public const string SignInPath = BasePath + "/sign-in";

    public const string SignOutPath = BasePath + "/sign-out";

    /// <summary>Where a sign-in through the OpenID provider ends (see <see cref="Pages.SignedInModel"/>).</summary>
    public const string SignedInPath = BasePath + "/signed-in";

    /// <summary>The OpenID Connect scheme (authorization code flow with PKCE), used when a provider is configured.</summary>
    public const string OidcScheme = "AuditKitConsoleOidc";

    /// <summary>The provider redirects here with the authorization code.</summary>
    public const string OidcCallbackPath = BasePath + "/signin-oidc";

    /// <summary>The session cookie. <c>__Host-</c>: the browser only keeps it when Secure, for this host, on path /.</summary>
    public const string CookieName = "__Host-auditkit-console";

    /// <summary>The antiforgery cookie (Secure on HTTPS; without the prefix so it also works on loopback HTTP).</summary>
    public const string AntiforgeryCookieName = "auditkit-console-af";
}
