namespace AuditKit.Server.Detection;

/// <summary>Registers suspicious-activity detection: its options, queue, passes, worker and outbox sweeper.</summary>
internal static class DetectionServiceCollectionExtensions
{
    public static IServiceCollection AddAuditDetection(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<DetectionOptions>()
            .Configure<IConfiguration>(static (options, configuration) =>
            {
                var section = configuration.GetSection(DetectionOptions.SectionName);
                section.Bind(options);

                // A tenant's section overrides only the values it names: start from the global rules, bind on top.
                options.Tenants.Clear();
                foreach (var tenant in section.GetSection(nameof(DetectionOptions.Tenants)).GetChildren())
                {
                    var rules = options.Rules.Clone();
                    tenant.Bind(rules);
                    options.Tenants[tenant.Key] = rules;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DetectionOptions>, DetectionOptionsValidator>();
        services.AddSingleton<DetectionQueue>();
        services.AddSingleton<DetectionMetrics>();
        services.AddSingleton<AlertDetector>();
        services.AddHostedService<DetectionWorker>();
        services.AddSingleton<DetectionOutboxSweeper>();
        services.AddHostedService(static sp => sp.GetRequiredService<DetectionOutboxSweeper>());
        services.AddAuthorizationBuilder().AddDetectionPolicies();

        return services;
    }
}
