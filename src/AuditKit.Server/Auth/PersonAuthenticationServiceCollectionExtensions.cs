using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AuditKit.Server.Auth;

/// <summary>
/// Registers how people authenticate beside API keys: the console sign-in settings, and the API's policy scheme that
/// also accepts a person's JWT bearer token from the configured OpenID provider.
/// </summary>
internal static class PersonAuthenticationServiceCollectionExtensions
{
    public static IServiceCollection AddPersonAuthentication(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<ConsoleSignInOptions>()
            .BindConfiguration(ConsoleSignInOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsoleSignInOptions>, ConsoleSignInOptionsValidator>();

        services.AddAuthentication()
            .AddPolicyScheme(ApiAuthenticationSchemes.Api, "AuditKit API", static options => options.ForwardDefaultSelector = static context =>
                ApiAuthenticationSchemes.Select(
                    context.Request,
                    context.RequestServices.GetRequiredService<IOptions<ConsoleSignInOptions>>().Value.Oidc.IsEnabled))
            .AddJwtBearer(ApiAuthenticationSchemes.PersonJwt, static _ => { });

        services.AddOptions<JwtBearerOptions>(ApiAuthenticationSchemes.PersonJwt)
            .Configure<IOptions<ConsoleSignInOptions>>(static (jwt, console) =>
            {
                var oidc = console.Value.Oidc;
                if (!oidc.IsEnabled)
                {
                    return;
                }

                jwt.Authority = oidc.Authority;
                jwt.Audience = string.IsNullOrWhiteSpace(oidc.Audience) ? oidc.ClientId : oidc.Audience;
                jwt.RequireHttpsMetadata = !IsLoopbackHttp(oidc.Authority!);
                jwt.MapInboundClaims = false;
                jwt.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        var person = PersonClaimsMapper.Map(context.Principal!, oidc.TenantRolesClaim, ApiAuthenticationSchemes.PersonJwt);
                        if (person is null)
                        {
                            context.Fail("The token names no subject.");
                            return Task.CompletedTask;
                        }

                        // A person with roles in several tenants names the one a call is for; with one, it is implied.
                        var grants = PersonPrincipal.Grants(person);
                        var requested = context.Request.Headers[ApiAuthenticationSchemes.TenantHeader].ToString().Trim();
                        var tenant = requested.Length > 0 ? requested : grants.Count == 1 ? grants[0].TenantId : null;
                        context.Principal = (TenantIds.IsValid(tenant) ? PersonPrincipal.ForTenant(person, tenant!) : null) ?? person;
                        return Task.CompletedTask;
                    },
                };
            });

        return services;
    }

    /// <summary>Whether <paramref name="authority"/> is plain HTTP on a loopback address (a local provider, tests).</summary>
    public static bool IsLoopbackHttp(string authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;
}
