using AuditKit;
using AuditKit.EfCore;
using AuditKit.Masking;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers EF Core auditing: <c>services.AddEfCoreAuditing(o =&gt; ...)</c>.</summary>
public static class EfCoreAuditingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the EF Core audit interceptors and their options, validated when the application starts. Events go
    /// to the registered <see cref="IAuditSink"/> (AuditKit's delivery pipeline, or your own). Then add auditing to
    /// each context with <c>optionsBuilder.AddAuditing(serviceProvider)</c>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Entity selection, masking and soft-delete rules; optional.</param>
    public static IServiceCollection AddEfCoreAuditing(this IServiceCollection services, Action<EntityAuditOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EntityAuditOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddOptions<AuditMaskingOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EntityAuditOptions>, EntityAuditOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditMaskingOptions>, AuditMaskingOptionsValidator>());
        services.TryAddSingleton<AuditMasker>();
        services.TryAddSingleton<IAuditContextAccessor, AuditContextAccessor>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(EntityAuditorFactory.Create);
        return services;
    }
}
