using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using AuditKit;
using AuditKit.Delivery;
using AuditKit.Masking;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AuditKit's core services: options, context, masking and the delivery pipeline.</summary>
public static class AuditKitServiceCollectionExtensions
{
    /// <summary>The name of the typed <see cref="HttpClient"/> and its resilience pipeline.</summary>
    public const string HttpClientName = "AuditKit.Delivery";

    /// <summary>
    /// Adds AuditKit: <see cref="AuditKitOptions"/> bound from configuration section <c>AuditKit</c> (then
    /// <paramref name="configure"/>) and validated at start-up, <see cref="AuditMaskingOptions"/> from
    /// <c>AuditKit:Masking</c> (also validated at start-up), <see cref="TimeProvider.System"/>,
    /// <see cref="IAuditContextAccessor"/>, <see cref="AuditMasker"/>, <see cref="AuditJsonMasker"/>, and
    /// <see cref="IAuditSink"/> as the delivery pipeline: a bounded in-memory channel, a background batcher and a
    /// resilient, gzip-compressing sender with a durable spool. Also registers
    /// <see cref="AuditDeliveryHealthCheck"/>; add it to your health checks with
    /// <c>services.AddHealthChecks().AddCheck&lt;AuditDeliveryHealthCheck&gt;("auditkit-delivery")</c>.
    /// </summary>
    /// <remarks>
    /// Safe to call more than once (each <paramref name="configure"/> is applied, in order). Every service is added
    /// with TryAdd, so registering your own <see cref="IAuditSink"/>, <see cref="TimeProvider"/> or
    /// <see cref="IAuditContextAccessor"/> before this call replaces ours; with another sink in place the background
    /// sender does not start and <c>AuditKit:ServerUrl</c> is not required.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes applied after configuration binding.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddAuditKit(this IServiceCollection services, Action<AuditKitOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var firstCall = !services.Any(d => d.ServiceType == typeof(AuditKitMarker));
        if (firstCall)
        {
            services.AddSingleton<AuditKitMarker>();
            services.AddAuditOptions<AuditKitOptions, AuditKitOptionsValidator>(AuditKitOptions.SectionName);
            services.AddAuditOptions<AuditMaskingOptions, AuditMaskingOptionsValidator>(AuditKitOptions.SectionName + ":Masking");
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (!firstCall)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAuditContextAccessor, AuditContextAccessor>();
        services.TryAddSingleton<AuditMasker>();
        services.TryAddSingleton<AuditJsonMasker>();
        services.TryAddSingleton(static sp => new AuditDeliveryMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<AuditDeliveryPipeline>();
        services.TryAddSingleton<IAuditSink>(static sp => sp.GetRequiredService<AuditDeliveryPipeline>());
        services.TryAddSingleton<AuditDeliveryService>();
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<AuditDeliveryService>());
        services.TryAddSingleton(static sp => new AuditDeliveryHealthCheck(sp.GetRequiredService<AuditDeliveryService>()));
        AddSender(services);
        return services;
    }

    private static void AddSender(IServiceCollection services)
    {
        services.AddHttpClient<AuditBatchSender>(HttpClientName, static (sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<AuditKitOptions>>().Value;
                if (options.ServerUrl is { } url)
                {
                    client.BaseAddress = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
                }

                if (!string.IsNullOrEmpty(options.ApiKey))
                {
                    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                }

                // Timeouts are the resilience pipeline's job.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The sender lives as long as the app: rotate connections in the handler, not by recreating it.
            .UseSocketsHttpHandler(static (handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(HttpClientName, static (builder, context) =>
            {
                var delivery = context.ServiceProvider.GetRequiredService<IOptions<AuditKitOptions>>().Value.Delivery;
                var metrics = context.ServiceProvider.GetRequiredService<AuditDeliveryMetrics>();
                var circuit = context.ServiceProvider.GetRequiredService<AuditCircuitState>();

                // Same order as the standard handler: total timeout → retry → circuit breaker → attempt timeout.
                builder
                    .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = delivery.TotalTimeout })
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = delivery.MaxRetryAttempts,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = delivery.RetryBaseDelay,
                        MaxDelay = delivery.RetryMaxDelay,
                        ShouldRetryAfterHeader = true,
                        OnRetry = _ =>
                        {
                            metrics.Retried();
                            return default;
                        },
                    })
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = delivery.CircuitBreakerFailureRatio,
                        MinimumThroughput = delivery.CircuitBreakerMinimumThroughput,
                        SamplingDuration = delivery.CircuitBreakerSamplingDuration,
                        BreakDuration = delivery.CircuitBreakerBreakDuration,
                        StateProvider = circuit.Provider,
                    })
                    .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = delivery.AttemptTimeout });
            });
        services.TryAddSingleton<AuditCircuitState>();
    }

    /// <summary>Marks the collection as holding AuditKit, so a second call only adds its configuration.</summary>
    private sealed class AuditKitMarker;
}
