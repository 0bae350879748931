using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuditKit;

/// <summary>How the AuditKit packages register their options.</summary>
internal static class AuditOptionsRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> bound from configuration section <paramref name="section"/> when the
    /// application has configuration (a bare <see cref="IServiceCollection"/>, as in tools and tests, works as well)
    /// and checked by <typeparamref name="TValidator"/> at start-up.
    /// </summary>
    /// <returns>The options' builder, for further configuration.</returns>
    public static OptionsBuilder<TOptions> AddAuditOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var builder = services.AddOptions<TOptions>()
            .Configure<IServiceProvider>((options, sp) => sp.GetService<IConfiguration>()?.GetSection(section).Bind(options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return builder;
    }
}
