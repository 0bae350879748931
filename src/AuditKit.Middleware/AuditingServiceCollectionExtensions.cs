using System.Diagnostics.CodeAnalysis;
using AuditKit;
using AuditKit.Masking;
using AuditKit.Middleware;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers request auditing: <c>services.AddAuditing(o => ...)</c>, then <c>app.UseAuditing()</c>.</summary>
public static class AuditingServiceCollectionExtensions
{
    /// <summary>
    /// Adds request auditing and the AuditKit delivery pipeline (<c>AddAuditKit()</c>). <see cref="AuditingOptions"/>
    /// and <see cref="AuditKitOptions"/> are both bound from configuration section <c>AuditKit</c>, so
    /// <c>AuditKit__ServerUrl</c>, <c>AuditKit__ApiKey</c>, <c>AuditKit__ServiceName</c> or <c>AuditKit__Mode</c>
    /// environment variables work; <paramref name="configure"/> runs after binding, and everything is validated at
    /// start-up.
    /// </summary>
    /// <remarks>
    /// To set delivery options in code, also call <c>services.AddAuditKit(o => ...)</c> (it may be called more than
    /// once). An <see cref="IAuditSink"/> registered before this call replaces the delivery pipeline.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options after configuration is bound.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAuditing(this IServiceCollection services, Action<AuditingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<AuditingOptions>().BindConfiguration(AuditingOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditingOptions>, AuditingOptionsValidator>());

        // The delivery pipeline, masking, TimeProvider and the context accessor come from Core, configured from the
        // same section (ServerUrl, ApiKey, ServiceName, SpoolDirectory, Masking, ...).
        services.AddAuditKit();
        services.AddHttpContextAccessor();
        services.AddMetrics();
        services.TryAddSingleton(static sp =>
        {
            var kit = sp.GetRequiredService<IOptions<AuditKitOptions>>().Value;
            return new AuditServiceIdentity(kit.ServiceName, kit.ServiceVersion);
        });

        services.TryAddSingleton<AuditingPolicyProvider>();
        services.TryAddSingleton<SensitiveNames>();
        services.TryAddSingleton<QueryStringMasker>();
        services.TryAddSingleton<AuditJsonMasker>();
        services.TryAddSingleton<RequestPartyReader>();
        services.TryAddSingleton<HttpAuditEventFactory>();
        services.TryAddSingleton<CaptureMetadata>();
        services.TryAddSingleton<AuditEventWriter>();
        services.TryAddSingleton<AuditingMetrics>();
        services.TryAddSingleton<AuditSampler>();
        services.TryAddSingleton<AuditingMarker>();
        services.TryAddSingleton<IAuditLogger, AuditLogger>();

        // The request-aware accessor replaces the plain one: EF Core events of a request then carry its user,
        // tenant and trace id without any code in the application.
        services.Replace(ServiceDescriptor.Singleton<IAuditContextAccessor, HttpAuditContextAccessor>());
        return services;
    }

    /// <summary>Adds an <see cref="IAuditEnricher"/>; enrichers run in the order they are added.</summary>
    /// <typeparam name="T">The enricher type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAuditEnricher<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, IAuditEnricher
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditEnricher, T>());
        return services;
    }

    /// <summary>Uses <typeparamref name="T"/> to find each request's tenant, instead of <see cref="AuditingOptions.Tenant"/>.</summary>
    /// <typeparam name="T">The tenant resolver type.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAuditTenantResolver<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, IAuditTenantResolver
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Replace(ServiceDescriptor.Singleton<IAuditTenantResolver, T>());
        return services;
    }
}
