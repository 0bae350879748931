namespace AuditKit.Server.Auth;

/// <summary>Registers the API key lookup (cached, see <see cref="ApiKeyLookup"/>) and its options.</summary>
internal static class ApiKeyServiceCollectionExtensions
{
    public static IServiceCollection AddAuditKeys(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ApiKeyLookupOptions>().BindConfiguration(ApiKeyLookupOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyLookupOptions>, ApiKeyLookupOptionsValidator>();
        services.AddSingleton<ApiKeyLookup>();
        return services;
    }
}
