using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Console;

/// <summary>Registers the security console: Razor Pages under <c>/console</c>, its session cookie, antiforgery and sign-in.</summary>
internal static class ConsoleServiceCollectionExtensions
{
    public static IServiceCollection AddAuditConsole(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<ConsoleSignInOptions>()
            .BindConfiguration(ConsoleSignInOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsoleSignInOptions>, ConsoleSignInOptionsValidator>();
        services.AddScoped<ConsoleUserSignIn>();
        services.AddScoped<ConsoleActivityRecorder>();

        services.AddRazorPages(static options =>
        {
            options.RootDirectory = "/Console/Pages";
            options.Conventions.AuthorizeFolder("/", ConsoleAuthentication.Policy);
            options.Conventions.AllowAnonymousToPage("/SignIn");
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
            });
        services.AddOptions<CookieAuthenticationOptions>(ConsoleAuthentication.CookieScheme)
            .Configure<IOptions<ConsoleSignInOptions>>(static (cookie, console) => cookie.ExpireTimeSpan = console.Value.SessionIdleTimeout);

        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleAuthentication.Policy, static policy => policy
                .AddAuthenticationSchemes(ConsoleAuthentication.CookieScheme)
                .RequireClaim(PersonClaimTypes.Person));

        return services;
    }
}
