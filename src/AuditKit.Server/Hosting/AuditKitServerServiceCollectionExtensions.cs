using AuditKit.Server.Admin;
using AuditKit.Server.Api;
using AuditKit.Server.Auth;
using AuditKit.Server.Ingest;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BootstrapAdminKey>();
        services.AddSingleton<AuditIngestMetrics>();
        services.AddScoped<AuditIngestor>();
        services.AddScoped<AdminAuditRecorder>();

        services.AddProblemDetails();
        services.AddRequestDecompression();
        services.ConfigureHttpJsonOptions(static options => ApiJsonOptions.Apply(options.SerializerOptions));

        services.AddAuthentication(ApiKeyAuthenticationOptions.Scheme)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationOptions.Scheme, configureOptions: null);
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
