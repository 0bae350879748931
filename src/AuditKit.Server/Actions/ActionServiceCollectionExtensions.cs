using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuditKit.Server.Actions;

/// <summary>Registers the action vocabulary and its options (<c>AuditKit:Actions</c>), validated at start-up.</summary>
internal static class ActionServiceCollectionExtensions
{
    public static IServiceCollection AddAuditActions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ActionOptions>().Bind(configuration.GetSection(ActionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionOptions>, ActionOptionsValidator>());
        services.TryAddSingleton(static sp => new ActionVocabulary(sp.GetRequiredService<IOptions<ActionOptions>>().Value));
        return services;
    }
}
