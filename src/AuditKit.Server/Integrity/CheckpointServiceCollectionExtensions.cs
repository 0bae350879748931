using AuditKit.Server.Storage;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Integrity;

/// <summary>
/// Registers the signing keys, the checkpoint job and the JSON of the checkpoint endpoints (the checkpoint store is
/// registered with the storage). The chain's <see cref="IChainHeadReader"/> is registered with the chain: without it the
/// job signs nothing.
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
        services.AddSingleton<CheckpointService>();
        services.AddHostedService(static sp => sp.GetRequiredService<CheckpointService>());
        services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, CheckpointJsonContext.Default));
        return services;
    }
}
