using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AuditKit.Server.Tests.Console;

/// <summary>
/// A person signed in through the OpenID provider holds the grants of the provider's ID token, so the session ends
/// when that token expires and the next sign-in reads the grants the provider holds then. The session cookie here is
/// the one the provider sign-in issues (a person <c>oidc:&lt;subject&gt;</c>, sealed by the server's own cookie
/// format), so every request goes through the real cookie handler and its revalidation.
/// </summary>
public sealed class ConsoleProviderSessionTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task The_session_ends_when_the_provider_ID_token_expires()
    {
        var tenant = await server.CreateTenantAsync();
        var cookie = ProviderSessionCookie(tenant.Id, idTokenExpires: server.Time.GetUtcNow().AddMinutes(5));
        using var client = CreateClient();

        (await GetAsync(client, cookie, $"/console/{tenant.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.OK);
        server.Time.Advance(TimeSpan.FromMinutes(4));
        (await GetAsync(client, cookie, $"/console/{tenant.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Grants revoked at the provider in the meantime are not known here: the session ends with the token.
        server.Time.Advance(TimeSpan.FromMinutes(1));
        var ended = await GetAsync(client, cookie, $"/console/{tenant.Id}/events");
        ended.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        ended.Headers.Location!.AbsolutePath.ShouldBe("/console/sign-in");
        ended.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("__Host-auditkit-console=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_provider_session_without_the_tokens_expiry_is_not_accepted()
    {
        var tenant = await server.CreateTenantAsync();
        var cookie = ProviderSessionCookie(tenant.Id, idTokenExpires: null);
        using var client = CreateClient();

        var refused = await GetAsync(client, cookie, $"/console/{tenant.Id}/events");

        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.AbsolutePath.ShouldBe("/console/sign-in");
    }

    [Theory]
    [InlineData("1767225600", "2026-01-01T00:00:00.0000000Z")]
    [InlineData("not-a-number", null)]
    [InlineData("-5", null)]
    [InlineData(null, null)]
    public void The_expiry_is_read_from_the_ID_tokens_exp_claim(string? exp, string? recorded)
    {
        var properties = new AuthenticationProperties();
        var identity = new ClaimsIdentity("oidc");
        if (exp is not null)
        {
            identity.AddClaim(new Claim("exp", exp));
        }

        ConsoleSessionRevalidator.StampProviderExpiry(properties, new ClaimsPrincipal(identity));

        properties.Items.TryGetValue(ConsoleSessionRevalidator.ProviderExpiresAtItem, out var value).ShouldBe(recorded is not null);
        value.ShouldBe(recorded);
    }

    private HttpClient CreateClient() => server.Factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"),
        AllowAutoRedirect = false,
        HandleCookies = false,
    });

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string cookie, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", ConsoleAuthentication.CookieName + "=" + cookie);
        return client.SendAsync(request);
    }

    /// <summary>The console cookie a provider sign-in of a reader of <paramref name="tenantId"/> issues.</summary>
    private string ProviderSessionCookie(string tenantId, DateTimeOffset? idTokenExpires)
    {
        var options = server.Factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(ConsoleAuthentication.CookieScheme);
        var person = PersonPrincipal.Create(
            "oidc:" + Guid.NewGuid().ToString("N"), "olivia", [new PersonGrant(tenantId, ConsoleRoles.Read)], ConsoleAuthentication.CookieScheme);
        var properties = new AuthenticationProperties();
        if (idTokenExpires is { } expires)
        {
            var idToken = new ClaimsIdentity([new Claim("exp", expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))], "oidc");
            ConsoleSessionRevalidator.StampProviderExpiry(properties, new ClaimsPrincipal(idToken));
        }

        return options.TicketDataFormat.Protect(new AuthenticationTicket(person, properties, ConsoleAuthentication.CookieScheme));
    }
}
