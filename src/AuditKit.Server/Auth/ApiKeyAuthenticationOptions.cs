using Microsoft.AspNetCore.Authentication;

namespace AuditKit.Server.Auth;

/// <summary>Options of <see cref="ApiKeyAuthenticationHandler"/>.</summary>
internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The authentication scheme name.</summary>
    public const string Scheme = "ApiKey";

    /// <summary>The header that carries a key when <c>Authorization: Bearer</c> is not used.</summary>
    public const string HeaderName = "X-Api-Key";
}
