using AuditKit.Server.Admin;
using AuditKit.Server.Alerts;
using AuditKit.Server.Auth;
using AuditKit.Server.Console;
using AuditKit.Server.Detection;
using AuditKit.Server.Hosting.RateLimiting;
using AuditKit.Server.Ingest;
using AuditKit.Server.Integrity;
using AuditKit.Server.Retention;
using AuditKit.Server.Webhooks;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuditKit.Server.Hosting;

/// <summary>Registers the server's HTTP surface: options, API key authentication, ingest, problem details, health, OpenAPI.</summary>
internal static class AuditKitServerServiceCollectionExtensions
{
    public static IServiceCollection AddAuditKitServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<AuditKitServerOptions>()
            .BindConfiguration(AuditKitServerOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditKitServerOptions>, AuditKitServerOptionsValidator>();
        services.AddOptions<ApiReferenceSettings>().BindConfiguration(ApiReferenceSettings.SectionName);
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettingsValidator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>(static (forwarded, settings) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = settings.Value.ForwardLimit;

            // The framework's defaults trust loopback; only what the operator lists is trusted here.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in settings.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in settings.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BootstrapAdminKey>();
        services.AddSingleton<AuditIngestMetrics>();
        services.AddScoped<AuditIngestor>();
        services.AddAuditKeys();
        services.AddAuditAdmin();
        services.AddAuditDetection();
        services.AddAuditAlerts();
        services.AddAuditWebhooks();
        services.AddAuditRetention();
        services.AddAuditIntegrity();
        services.AddIntegrityCheckpoints();
        services.AddAuditConsole();

        services.AddProblemDetails(static options => options.CustomizeProblemDetails = static context =>
        {
            // Statuses answered by the framework itself (routing, body size) get a detail saying what to do.
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON: Content-Type: application/json.",
                StatusCodes.Status405MethodNotAllowed => "This route does not support the request's HTTP method.",
                StatusCodes.Status404NotFound => "No such route.",
                _ => null,
            };
        });
        services.AddSingleton<AuditStoreUnavailableLog>();
        services.AddExceptionHandler<AuditStoreUnavailableHandler>();
        services.AddAuditRateLimiting();
        services.AddRequestDecompression();
        services.ConfigureHttpJsonOptions(static options => ApiJsonOptions.Apply(options.SerializerOptions));

        services.AddAuthentication(ApiAuthenticationSchemes.Api)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationOptions.Scheme, configureOptions: null);
        services.AddPersonAuthentication();
        services.AddAuthorizationBuilder().AddAuditKitPolicies();

        services.AddHealthChecks()
            .AddCheck<AuditStoreHealthCheck>("store", tags: [AuditStoreHealthCheck.ReadyTag]);

        services.AddOpenApi(static options =>
        {
            options.AddDocumentTransformer<ApiKeySecuritySchemeTransformer>();
            options.AddOperationTransformer<ApiKeySecuritySchemeTransformer>();
        });

        return services;
    }
}
