namespace AuditKit.Server.Alerts;

/// <summary>Registers the alert store and the JSON of the alert endpoints.</summary>
internal static class AlertServiceCollectionExtensions
{
    public static IServiceCollection AddAuditAlerts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<AlertStore>();
        services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, AlertJsonContext.Default));
        return services;
    }
}
