using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuditKit.Server.Integrity;

/// <summary>Registers chain verification and the JSON of the integrity endpoints (checkpoints and keys included).</summary>
internal static class IntegrityServiceCollectionExtensions
{
    public static IServiceCollection AddAuditIntegrity(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IAuditChainStore, AuditChainStore>();
        services.TryAddSingleton<AuditChainVerification>();
        services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, IntegrityJsonContext.Default));
        return services;
    }
}
