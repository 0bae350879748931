using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;

namespace AuditKit.Middleware.Tests.Infrastructure;

/// <summary>Signs a request in from test headers: <c>X-Test-User</c> (id), <c>X-Test-Name</c>, <c>X-Test-Email</c>, <c>X-Test-Session</c> (<c>sid</c>), <c>X-Test-Tenant</c>.</summary>
public sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers["X-Test-User"].ToString() is not { Length: > 0 } userId)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new("sub", userId) };
        if (Request.Headers["X-Test-Name"].ToString() is { Length: > 0 } name)
        {
            claims.Add(new Claim("name", name));
        }

        if (Request.Headers["X-Test-Email"].ToString() is { Length: > 0 } email)
        {
            claims.Add(new Claim("email", email));
        }

        if (Request.Headers["X-Test-Session"].ToString() is { Length: > 0 } session)
        {
            claims.Add(new Claim("sid", session));
        }

        if (Request.Headers["X-Test-Tenant"].ToString() is { Length: > 0 } tenant)
        {
            claims.Add(new Claim("tenant_id", tenant));
        }

        if (Request.Headers["X-Test-Role"].ToString() is { Length: > 0 } role)
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, "name", ClaimTypes.Role));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
