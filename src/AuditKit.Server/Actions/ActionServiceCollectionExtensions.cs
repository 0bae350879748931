using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Actions;

/// <summary>Registers the action vocabulary and its options (<c>AuditKit:Actions</c>), validated at start-up.</summary>
internal static class ActionServiceCollectionExtensions
{
    public static IServiceCollection AddAuditActions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<ActionOptions>().BindConfiguration(ActionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActionOptions>, ActionOptionsValidator>());
        services.TryAddSingleton(static sp => new ActionVocabulary(sp.GetRequiredService<IOptions<ActionOptions>>().Value));
        return services;
    }
}
