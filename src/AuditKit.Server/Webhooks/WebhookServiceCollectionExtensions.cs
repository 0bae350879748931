using AuditKit.Server.Detection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace AuditKit.Server.Webhooks;

/// <summary>Registers webhooks (their store is registered with the storage): the deliveries queued for raised alerts, and the dispatcher that sends them.</summary>
internal static class WebhookServiceCollectionExtensions
{
    public static IServiceCollection AddAuditWebhooks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        services.AddSingleton<IAlertRaisedHandler, WebhookAlertHandler>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookSecretProtector>();
        services.AddSingleton<WebhookAddressPolicy>();
        services.AddTransient<WebhookServices>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(static sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddTransient<WebhookSigningHandler>();
        var webhookClient = services.AddHttpClient(WebhookDispatcher.ClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static sp => new SocketsHttpHandler
            {
                // A redirect would re-send the signed body to a target the address policy never saw at creation.
                AllowAutoRedirect = false,

                // Through a proxy the connect step would only see (and check) the proxy, never the receiver.
                UseProxy = false,
                ConnectCallback = sp.GetRequiredService<WebhookAddressPolicy>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
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

                        // A refused address is refused again on every attempt.
                        ShouldHandle = static args => ValueTask.FromResult(
                            !WebhookFailureReason.IsRefusedAddress(args.Outcome.Exception) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                    });
                }

                builder.AddTimeout(options.AttemptTimeout);
            });

        // Added after the resilience handler, so it sits inside it and runs once per attempt.
        webhookClient.AddHttpMessageHandler<WebhookSigningHandler>();

        services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, WebhookJsonContext.Default));
        return services;
    }
}
