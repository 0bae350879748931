namespace AuditKit.Server.Admin;

/// <summary>Registers the admin API's services: its options and the recorder of what the API does.</summary>
internal static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddAuditAdmin(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName);
        services.AddScoped<AdminAuditRecorder>();
        services.AddTransient<ApiKeyServices>();
        return services;
    }
}
