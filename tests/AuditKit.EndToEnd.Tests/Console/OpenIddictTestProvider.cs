using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// A real OpenID provider (OpenIddict 7 on Kestrel at 127.0.0.1, random port, an in-memory EF Core store): one test
/// user who signs in on the provider's own login form, the authorization code flow with PKCE for one public client,
/// and ID tokens carrying the user's <c>auditkit_roles</c> grants.
/// </summary>
public sealed class OpenIddictTestProvider : IAsyncDisposable
{
    public const string ClientId = "auditkit-console";

    public const string Username = "olivia";

    public const string Password = "provider-password-123";

    public const string Subject = "olivia-0001";

    private const string LoginScheme = "provider-login";

    private readonly WebApplication _app;

    private OpenIddictTestProvider(WebApplication app, string grants)
    {
        _app = app;
        Grants = grants;
    }

    /// <summary>The issuer, e.g. <c>http://127.0.0.1:5xxxx/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The test user's <c>auditkit_roles</c> claim value.</summary>
    public string Grants { get; }

    /// <summary>How many authorization codes the provider issued (each sign-in through it is one).</summary>
    public int CodesIssued { get; private set; }

    public static async Task<OpenIddictTestProvider> StartAsync(string grants)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var database = "openiddict-" + Guid.NewGuid().ToString("N");
        builder.Services.AddDbContext<OpenIddictTestProviderDbContext>(options =>
        {
            options.UseInMemoryDatabase(database);
            options.ConfigureWarnings(static w => w.Ignore(InMemoryEventId.TransactionIgnoredWarning));
            options.UseOpenIddict();
        });
        builder.Services.AddAuthentication()
            .AddCookie(LoginScheme, static options =>
            {
                options.Cookie.Name = "openiddict-test-provider";
                options.LoginPath = "/login";
            });
        builder.Services.AddOpenIddict()
            .AddCore(static options => options.UseEntityFrameworkCore().UseDbContext<OpenIddictTestProviderDbContext>())
            .AddServer(static options =>
            {
                options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                options.RegisterScopes(Scopes.OpenId, Scopes.Profile);
                options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                options.DisableAccessTokenEncryption();
                options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        var app = builder.Build();
        var provider = new OpenIddictTestProvider(app, grants);
        app.UseAuthentication();
        app.MapGet("/login", static (HttpContext context) => LoginForm(context.Request.Query["ReturnUrl"].ToString(), error: false));
        app.MapPost("/login", (Delegate)provider.LogInAsync);
        app.MapGet("/connect/authorize", (Delegate)provider.AuthorizeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider.Address = new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");

        // The first discovery request builds OpenIddict's pipeline and keys, which takes seconds on a busy machine:
        // done here, so the browser's first navigation is not billed for it.
        using var warmUp = new HttpClient { BaseAddress = provider.Address, Timeout = TimeSpan.FromMinutes(2) };
        (await warmUp.GetAsync(".well-known/openid-configuration")).EnsureSuccessStatusCode();
        (await warmUp.GetAsync(".well-known/jwks")).EnsureSuccessStatusCode();
        return provider;
    }

    /// <summary>Registers the console of <paramref name="console"/> as a public client redirecting to its callback.</summary>
    public async Task RegisterConsoleAsync(Uri console)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "AuditKit console",
            RedirectUris = { new Uri(console, "console/signin-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> LogInAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = form["ReturnUrl"].ToString();
        if (form["username"] != Username || form["password"] != Password || !returnUrl.StartsWith("/connect/authorize?", StringComparison.Ordinal))
        {
            return LoginForm(returnUrl, error: true);
        }

        var identity = new ClaimsIdentity([new Claim(Claims.Subject, Subject), new Claim(Claims.Name, Username)], LoginScheme);
        await context.SignInAsync(LoginScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(returnUrl);
    }

    private async Task<IResult> AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var login = await context.AuthenticateAsync(LoginScheme);
        if (!login.Succeeded)
        {
            return Results.Challenge(new AuthenticationProperties { RedirectUri = context.Request.Path + context.Request.QueryString }, [LoginScheme]);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, Subject)
            .SetClaim(Claims.Name, "Olivia Provider")
            .SetClaim(Claims.PreferredUsername, Username)
            .SetClaim("auditkit_roles", Grants);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(static _ => [Destinations.IdentityToken, Destinations.AccessToken]);
        CodesIssued++;
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult LoginForm(string returnUrl, bool error) => Results.Content(
        $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
        <body>
        <h1>Test OpenID provider</h1>
        {(error ? "<p id=\"provider-error\" role=\"alert\">Wrong name or password.</p>" : string.Empty)}
        <form method="post" action="/login">
          <input type="hidden" name="ReturnUrl" value="{WebUtility.HtmlEncode(returnUrl)}">
          <label for="provider-username">Provider user name</label> <input id="provider-username" name="username">
          <label for="provider-password">Provider password</label> <input id="provider-password" name="password" type="password">
          <button type="submit">Log in to the provider</button>
        </form>
        </body></html>
        """,
        "text/html; charset=utf-8");
}
