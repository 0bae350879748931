using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuditKit.Server.Console;

/// <summary>Registers the security console: Razor Pages under <c>/console</c>, its session cookie, antiforgery and sign-in.</summary>
internal static class ConsoleServiceCollectionExtensions
{
    public static IServiceCollection AddAuditConsole(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddScoped<ConsoleUserSignIn>();
        services.AddScoped<ConsoleActivityRecorder>();
        services.AddTransient<ConsoleUserServices>();
        services.AddSingleton<ConsoleTailConnections>();
        services.AddSingleton<ConsoleTailHub>();
        services.AddOptions<ConsoleTailOptions>()
            .BindConfiguration(ConsoleTailOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsoleTailOptions>, ConsoleTailOptionsValidator>();
        services.AddScoped<ConsoleSessionRevalidator>();

        services.AddRazorPages(static options =>
        {
            options.RootDirectory = "/Console/Pages";
            options.Conventions.AuthorizeFolder("/", ConsoleAuthentication.Policy);
            options.Conventions.AllowAnonymousToPage("/SignIn");
            options.Conventions.AllowAnonymousToPage("/SignedIn");
        });

        services.AddAntiforgery(static options =>
        {
            // Secure on HTTPS; the embedded default also serves plain HTTP on the loopback address, where
            // antiforgery refuses to run with an always-Secure cookie (the session cookie stays always-Secure).
            options.Cookie.Name = ConsoleAuthentication.AntiforgeryCookieName;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.Cookie.Path = "/";
        });

        services.AddAuthentication()
            .AddCookie(ConsoleAuthentication.CookieScheme, static options =>
            {
                options.Cookie.Name = ConsoleAuthentication.CookieName;
                options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.HttpOnly = true;
                options.Cookie.Path = "/";
                options.SlidingExpiration = true;
                options.LoginPath = ConsoleAuthentication.SignInPath;
                options.LogoutPath = ConsoleAuthentication.SignOutPath;
                options.AccessDeniedPath = ConsoleAuthentication.SignInPath;
                options.ReturnUrlParameter = "returnUrl";
                options.Events = new CookieAuthenticationEvents { OnValidatePrincipal = ConsoleSessionRevalidator.ValidateAsync };
            });

        // The OpenID Connect scheme exists only when a provider is configured: a remote scheme is consulted on every
        // request (for its callback path), and without a client id it could not even be validated.
        services.TryAddTransient<OpenIdConnectHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddOptions<AuthenticationOptions>()
            .Configure<IOptions<ConsoleSignInOptions>>(static (authentication, console) =>
            {
                if (console.Value.Oidc.IsEnabled)
                {
                    authentication.AddScheme<OpenIdConnectHandler>(ConsoleAuthentication.OidcScheme, displayName: null);
                }
            });
        services.AddOptions<OpenIdConnectOptions>(ConsoleAuthentication.OidcScheme)
            .Configure<IOptions<ConsoleSignInOptions>>(static (options, console) => ConfigureOidc(options, console.Value.Oidc));
        services.AddOptions<CookieAuthenticationOptions>(ConsoleAuthentication.CookieScheme)
            .Configure<IOptions<ConsoleSignInOptions>>(static (cookie, console) => cookie.ExpireTimeSpan = console.Value.SessionIdleTimeout);

        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleAuthentication.Policy, static policy => policy
                .AddAuthenticationSchemes(ConsoleAuthentication.CookieScheme)
                .RequireClaim(PersonClaimTypes.Person));

        return services;
    }

    private static void ConfigureOidc(OpenIdConnectOptions options, ConsoleOidcOptions oidc)
    {
        if (!oidc.IsEnabled)
        {
            return;
        }

        options.Authority = oidc.Authority;
        options.ClientId = oidc.ClientId;
        options.ClientSecret = string.IsNullOrWhiteSpace(oidc.ClientSecret) ? null : oidc.ClientSecret;
        options.RequireHttpsMetadata = !PersonAuthenticationServiceCollectionExtensions.IsLoopbackHttp(oidc.Authority!);
        options.ResponseType = "code";
        options.UsePkce = true;
        options.SignInScheme = ConsoleAuthentication.CookieScheme;
        options.CallbackPath = ConsoleAuthentication.OidcCallbackPath;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.Events = new OpenIdConnectEvents
        {
            OnTokenValidated = async context =>
            {
                // The session ends when the ID token does (ConsoleSessionRevalidator): the provider owns the grants.
                ConsoleSessionRevalidator.StampProviderExpiry(context.Properties!, context.Principal!);
                var person = PersonClaimsMapper.Map(context.Principal!, oidc.TenantRolesClaim, ConsoleAuthentication.CookieScheme);
                if (person is null)
                {
                    context.Fail("The ID token names no subject.");
                    return;
                }

                context.Principal = person;
                var activity = context.HttpContext.RequestServices.GetRequiredService<ConsoleActivityRecorder>();
                await activity.RecordSignInAsync(context.HttpContext, person, ConsoleSignInOutcome.Succeeded, context.HttpContext.RequestAborted);
            },

            // The provider's redirect back is a cross-site navigation, and a SameSite=Strict cookie is not sent on the
            // redirect that ends it: finish through a same-site page that moves on by itself.
            OnTicketReceived = static context =>
            {
                var target = context.ReturnUri is { } uri && uri.StartsWith(ConsoleAuthentication.BasePath + "/", StringComparison.Ordinal)
                    ? uri
                    : ConsoleAuthentication.BasePath;
                context.ReturnUri = ConsoleAuthentication.SignedInPath + "?returnUrl=" + Uri.EscapeDataString(target);
                return Task.CompletedTask;
            },
        };
    }
}
