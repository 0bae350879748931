using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuditKit.Server.Tests.Console;

/// <summary>
/// With an OpenID provider configured: the console signs in through it (authorization code + PKCE), and the API
/// accepts the person's JWT bearer token beside API keys, scoped to the tenant the person names and holds a role in.
/// The provider is a real one on 127.0.0.1 as far as the server is concerned: discovery document and signing keys.
/// </summary>
public sealed class ConsoleOidcTests : IAsyncLifetime
{
    private const string BootstrapKey = "oidc-bootstrap-admin-key-0123456789abcdefghij";
    private const string ClientId = "auditkit-console";

    private readonly RSA _signingKey = RSA.Create(2048);
    private readonly TempDirectory _directory = new("auditkit-oidc-tests");
    private WebApplication? _provider;
    private WebApplicationFactory<Program>? _server;
    private string _issuer = string.Empty;

    public async Task InitializeAsync()
    {
        _provider = StartProvider();
        await _provider.StartAsync();
        _issuer = _provider.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        _server = CreateServer(new()
        {
            ["AuditKit:Console:Oidc:Authority"] = _issuer,
            ["AuditKit:Console:Oidc:ClientId"] = ClientId,
            ["AuditKit:Console:Oidc:ClientSecret"] = "console-secret",
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        _signingKey.Dispose();
    }

    [Fact]
    public async Task The_api_accepts_a_persons_token_in_the_tenant_it_names()
    {
        var (a, aIngest, aRead) = await CreateTenantAsync();
        var (b, bIngest, _) = await CreateTenantAsync();
        await IngestAsync(aIngest, "in tenant a");
        await IngestAsync(bIngest, "in tenant b");
        var token = Token("person-1", [$"{a}:read", $"{b}:triage", "not-a-grant", "c:owner"]);

        using var client = _server!.CreateBearerClient(token);

        // Roles in two tenants: the call must name one.
        (await client.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        client.DefaultRequestHeaders.Add(ApiAuthenticationSchemes.TenantHeader, a);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/audit-logs?action=READ");
        var descriptions = list.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("description").GetString()).ToList();
        descriptions.ShouldBe(["in tenant a"]);

        // A read person may not triage; the same person's triage role in b may (404: no such alert, but authorized).
        (await client.PatchAsJsonAsync($"/api/v1/alerts/{Guid.NewGuid()}", new { status = "acknowledged" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        client.DefaultRequestHeaders.Remove(ApiAuthenticationSchemes.TenantHeader);
        client.DefaultRequestHeaders.Add(ApiAuthenticationSchemes.TenantHeader, b);
        (await client.PatchAsJsonAsync($"/api/v1/alerts/{Guid.NewGuid()}", new { status = "acknowledged" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // A tenant the person holds no role in.
        client.DefaultRequestHeaders.Remove(ApiAuthenticationSchemes.TenantHeader);
        client.DefaultRequestHeaders.Add(ApiAuthenticationSchemes.TenantHeader, "some-other-tenant");
        (await client.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // API keys still work beside tokens.
        using var withKey = _server!.CreateBearerClient(aRead);
        (await withKey.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_for_another_audience_or_signed_by_another_key_is_refused()
    {
        var (a, _, _) = await CreateTenantAsync();
        using var client = _server!.CreateClient();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("p", [$"{a}:read"], audience: "another-app"));
        (await client.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var otherKey = RSA.Create(2048);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("p", [$"{a}:read"], key: otherKey));
        (await client.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_console_sends_people_to_the_provider_with_the_code_flow_and_pkce()
    {
        using var browser = _server!.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

        var response = await browser.GetAsync("/console/a-tenant/events");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var signIn = await browser.GetAsync(response.Headers.Location!.PathAndQuery);

        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var location = signIn.Headers.Location!.ToString();
        location.ShouldStartWith(_issuer + "/authorize?");
        location.ShouldContain("response_type=code");
        location.ShouldContain("code_challenge_method=S256");
        location.ShouldContain("client_id=" + ClientId);
        location.ShouldContain(Uri.EscapeDataString("https://localhost/console/signin-oidc"));

        // Local passwords are off while a provider is configured.
        var form = await browser.PostAsync("/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "x", ["password"] = "y" }));
        form.StatusCode.ShouldNotBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public void Grants_are_read_from_repeated_claims_json_arrays_or_separated_values()
    {
        var identity = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("sub", "s-1"),
            new Claim("preferred_username", "alice@example.com"),
            new Claim("roles", "acme:read"),
            new Claim("roles", "[\"globex:admin\",\"bad\"]"),
            new Claim("roles", "initech:triage, umbrella:owner"),
        ]));

        var person = PersonClaimsMapper.Map(identity, "roles", "test")!;

        PersonPrincipal.Grants(person).Select(g => g.ToString()).ShouldBe(["acme:read", "globex:admin", "initech:triage"]);
        person.FindFirst(PersonClaimTypes.Person)!.Value.ShouldBe("oidc:s-1");
        person.FindFirst(PersonClaimTypes.Name)!.Value.ShouldBe("alice@example.com");
        PersonClaimsMapper.Map(new ClaimsPrincipal(new ClaimsIdentity([new Claim("roles", "acme:read")])), "roles", "test").ShouldBeNull();
    }

    [Fact]
    public void Oidc_settings_are_checked_at_start_up_naming_the_key()
    {
        using var server = CreateServer(new() { ["AuditKit:Console:Oidc:ClientId"] = ClientId });

        var failure = Should.Throw<Exception>(() => server.CreateClient());

        failure.ToString().ShouldContain("AuditKit:Console:Oidc:Authority");
    }

    private WebApplicationFactory<Program> CreateServer(Dictionary<string, string?> settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("AuditKit:BootstrapAdminKey", BootstrapKey);
            builder.UseSetting("ConnectionStrings:AuditKit", string.Empty);
            builder.UseSetting("AuditKit:Storage:SqlitePath", _directory.File($"auditkit-{Guid.NewGuid():N}.db"));
            builder.UseSetting("AuditKit:Retention:Days", "0");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    /// <summary>A minimal OpenID provider: its discovery document and signing keys, on Kestrel at 127.0.0.1.</summary>
    private WebApplication StartProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var parameters = _signingKey.ExportParameters(includePrivateParameters: false);
        app.MapGet("/.well-known/openid-configuration", (HttpContext context) =>
        {
            var issuer = $"http://{context.Request.Host}";
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = issuer,
                ["authorization_endpoint"] = issuer + "/authorize",
                ["token_endpoint"] = issuer + "/token",
                ["jwks_uri"] = issuer + "/jwks",
                ["response_types_supported"] = new[] { "code" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["code_challenge_methods_supported"] = new[] { "S256" },
            });
        });
        app.MapGet("/jwks", () => Results.Json(new Dictionary<string, object>
        {
            ["keys"] = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = "test-key",
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        }));
        return app;
    }

    private string Token(string subject, string[] grants, string audience = ClientId, RSA? key = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["preferred_username"] = subject + "@example.com",
                ["auditkit_roles"] = grants,
            },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? _signingKey) { KeyId = "test-key" }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private async Task<(string Tenant, string Ingest, string Read)> CreateTenantAsync()
    {
        using var admin = _server!.CreateBearerClient(BootstrapKey);
        var id = $"o-{Guid.NewGuid():N}"[..20];
        var (ingest, read) = await AuditKitServerFixture.CreateTenantWithIngestAndReadKeysAsync(admin, id, "OIDC");
        return (id, ingest, read);
    }

    private async Task IngestAsync(string key, string description)
    {
        using var client = _server!.CreateBearerClient(key);
        (await client.PostAsJsonAsync("/api/v1/audit-logs", new { action = "READ", description })).EnsureSuccessStatusCode();
    }
}
