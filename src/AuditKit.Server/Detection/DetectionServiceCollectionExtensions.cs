using AuditKit.Server.Alerts;
using AuditKit.Server.Webhooks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace AuditKit.Server.Detection;

/// <summary>Registers suspicious-activity detection, alerts and webhooks.</summary>
internal static class DetectionServiceCollectionExtensions
{
    public static IServiceCollection AddAuditDetection(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<DetectionOptions>()
            .Configure<IConfiguration>(static (options, configuration) =>
            {
                var section = configuration.GetSection(DetectionOptions.SectionName);
                section.Bind(options);

                // A tenant's section overrides only the values it names: start from the global rules, bind on top.
                options.Tenants.Clear();
                foreach (var tenant in section.GetSection(nameof(DetectionOptions.Tenants)).GetChildren())
                {
                    var rules = options.Rules.Clone();
                    tenant.Bind(rules);
                    options.Tenants[tenant.Key] = rules;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DetectionOptions>, DetectionOptionsValidator>();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();

        services.AddSingleton<DetectionDatabase>();
        services.AddSingleton<DetectionQueue>();
        services.AddSingleton<DetectionMetrics>();
        services.AddSingleton<AlertDetector>();
        services.AddSingleton<AlertStore>();
        services.AddHostedService<DetectionWorker>();
        services.AddSingleton<DetectionOutboxSweeper>();
        services.AddHostedService(static sp => sp.GetRequiredService<DetectionOutboxSweeper>());
        services.AddAuthorizationBuilder().AddDetectionPolicies();

        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookSecretProtector>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(static sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddTransient<WebhookSigningHandler>();
        var webhookClient = services.AddHttpClient(WebhookDispatcher.ClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan);
        webhookClient.AddResilienceHandler("webhook-delivery", static (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;

                // Backoff waits for a real remote server, so it runs on the real clock whatever clock the server reads.
                builder.TimeProvider = TimeProvider.System;
                if (options.MaxAttempts > 1)
                {
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxAttempts - 1,
                        Delay = options.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        ShouldRetryAfterHeader = true,
                    });
                }

                builder.AddTimeout(options.AttemptTimeout);
            });

        // Added after the resilience handler, so it sits inside it and runs once per attempt.
        webhookClient.AddHttpMessageHandler<WebhookSigningHandler>();

        services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, AlertJsonContext.Default));
        return services;
    }
}
