namespace AuditKit.Server.Alerts;

/// <summary>Registers the JSON of the alert endpoints and their triage (their store is registered with the storage).</summary>
internal static class AlertServiceCollectionExtensions
{
    public static IServiceCollection AddAuditAlerts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddScoped<AlertTriage>();
        services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, AlertJsonContext.Default));
        return services;
    }
}
