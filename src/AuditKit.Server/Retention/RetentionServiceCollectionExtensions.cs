namespace AuditKit.Server.Retention;

/// <summary>Registers the retention job.</summary>
internal static class RetentionServiceCollectionExtensions
{
    public static IServiceCollection AddAuditRetention(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddSingleton<AuditRetentionService>();
        services.AddHostedService(static sp => sp.GetRequiredService<AuditRetentionService>());
        return services;
    }
}
