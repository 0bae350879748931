namespace AuditKit.Server.Auth;

/// <summary>
/// The API's authentication: one policy scheme that sends each request to the handler its credential belongs to — a
/// JSON Web Token in <c>Authorization: Bearer</c> to the person JWT handler (when an OpenID provider is configured),
/// anything else to the API key handler. Session cookies are never accepted by the API, so a page elsewhere cannot
/// make a signed-in browser call it.
/// </summary>
internal static class ApiAuthenticationSchemes
{
    /// <summary>The policy scheme the API's authorization policies name.</summary>
    public const string Api = "AuditKitApi";

    /// <summary>A person's access token from the configured OpenID provider.</summary>
    public const string PersonJwt = "AuditKitPersonJwt";

    /// <summary>Chooses the tenant a person's token acts in when the person holds roles in several.</summary>
    public const string TenantHeader = "X-AuditKit-Tenant";

    /// <summary>The scheme that authenticates <paramref name="request"/>.</summary>
    public static string Select(HttpRequest request, bool personTokensEnabled)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (personTokensEnabled
            && request.Headers[ApiKeyAuthenticationOptions.HeaderName].Count == 0
            && ApiKeyAuthenticationHandler.ReadPresentedKey(request) is { } token
            && LooksLikeJwt(token))
        {
            return PersonJwt;
        }

        return ApiKeyAuthenticationOptions.Scheme;
    }

    /// <summary>
    /// A compact JWS (three base64url parts, a JSON header): API keys (<c>ak_…</c>, one base64url part) never look
    /// like one.
    /// </summary>
    public static bool LooksLikeJwt(string token) =>
        token.StartsWith("eyJ", StringComparison.Ordinal) && token.AsSpan().Count('.') == 2;
}
