using AuditKit.Server.Admin;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuditKit.Server.Integrity;

/// <summary>
/// Registers the signing keys and the checkpoint job (the checkpoint store is registered with the storage; the JSON of
/// the checkpoint endpoints with <see cref="IntegrityServiceCollectionExtensions.AddAuditIntegrity"/>). The chain's heads are read through <see cref="IChainHeadReader"/>, and
/// the checkpoints witness verify through <see cref="IChainWitness"/>.
/// </summary>
internal static class CheckpointServiceCollectionExtensions
{
    public static IServiceCollection AddIntegrityCheckpoints(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SigningKeyOptions>().BindConfiguration(SigningKeyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SigningKeyOptions>, SigningKeyOptionsValidator>();
        services.AddOptions<CheckpointOptions>().BindConfiguration(CheckpointOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CheckpointOptions>, CheckpointOptionsValidator>();
        services.AddSingleton(static sp => SigningKeyRing.Create(
            sp.GetRequiredService<IOptions<SigningKeyOptions>>().Value,
            sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value,
            sp.GetRequiredService<ILogger<SigningKeyRing>>()));
        services.TryAddSingleton<IChainHeadReader, ChainHeadReader>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChainWitness, CheckpointWitness>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChainWitness, ErasureAnchorWitness>());
        services.TryAddSingleton<ErasureAnchorSigning>();
        services.TryAddSingleton<IErasureAnchorSigner>(static sp => sp.GetRequiredService<ErasureAnchorSigning>());
        services.AddSingleton<CheckpointService>();
        services.AddHostedService(static sp => sp.GetRequiredService<CheckpointService>());
        return services;
    }
}
