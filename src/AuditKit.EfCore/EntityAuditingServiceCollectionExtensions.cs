using AuditKit;
using AuditKit.EfCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers entity auditing: <c>services.AddEntityAuditing(o =&gt; ...)</c>.</summary>
public static class EntityAuditingServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="EntityAuditOptions"/> are bound from.</summary>
    public const string SectionName = AuditKitOptions.SectionName + ":Entities";

    /// <summary>
    /// Registers the EF Core audit interceptors and their <see cref="EntityAuditOptions"/>, bound from configuration
    /// section <c>AuditKit:Entities</c> (then <paramref name="configure"/>) and validated when the application starts,
    /// and AuditKit itself (<c>AddAuditKit()</c>): the delivery pipeline, masking bound from <c>AuditKit:Masking</c>,
    /// <see cref="TimeProvider"/> and the <see cref="IAuditContextAccessor"/>, from the same <c>AuditKit</c> section as
    /// <c>services.AddAuditing()</c>. Then add auditing to each context with
    /// <c>optionsBuilder.AddEntityAuditing(serviceProvider)</c>.
    /// </summary>
    /// <remarks>
    /// An <see cref="IAuditSink"/> of your own, registered before or after this call, replaces the delivery pipeline
    /// (and <c>AuditKit:ServerUrl</c> is then not required).
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Entity selection, masking and soft-delete rules, applied after configuration binding; optional.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddEntityAuditing(this IServiceCollection services, Action<EntityAuditOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAuditKit();

        var options = services.AddAuditOptions<EntityAuditOptions, EntityAuditOptionsValidator>(SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(EntityAuditorFactory.Create);
        return services;
    }
}
