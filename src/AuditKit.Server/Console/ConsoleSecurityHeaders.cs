namespace AuditKit.Server.Console;

/// <summary>
/// The headers of every console response: a Content-Security-Policy that allows only the server's own styles,
/// images and forms (no script at all, inline or not), no framing, no referrer, no MIME sniffing, and no caching of
/// pages that show audit data. The live tail's page alone may run the console's own script (see
/// <see cref="AllowOwnScript"/>).
/// </summary>
internal static class ConsoleSecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    /// <summary>
    /// The policy of a page that runs the console's own vendored script (the live tail): <c>script-src 'self'</c>, so
    /// only same-origin script files (never inline script, never another origin's); everything else as above.
    /// </summary>
    public const string OwnScriptContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    private static readonly object s_ownScriptKey = new();

    /// <summary>Lets the page of this request load the console's own script files (<see cref="OwnScriptContentSecurityPolicy"/>).</summary>
    public static void AllowOwnScript(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[s_ownScriptKey] = true;
    }

    public static void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        headers.ContentSecurityPolicy = response.HttpContext.Items.ContainsKey(s_ownScriptKey) ? OwnScriptContentSecurityPolicy : ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (!headers.ContainsKey("Cache-Control"))
        {
            headers.CacheControl = "no-store";
        }
    }
}
