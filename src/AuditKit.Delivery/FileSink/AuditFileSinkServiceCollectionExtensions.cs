using System.Diagnostics.Metrics;
using AuditKit;
using AuditKit.Delivery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AuditKit's local file sink.</summary>
public static class AuditFileSinkServiceCollectionExtensions
{
    /// <summary>
    /// Makes the <see cref="IAuditSink"/> a local file: events are appended as JSON Lines to
    /// <see cref="AuditFileSinkOptions.Path"/> and rotated by size, for applications that cannot reach an AuditKit
    /// server yet (the server's <c>import</c> command stores the files later). <see cref="AuditFileSinkOptions"/> are
    /// bound from configuration section <c>AuditKit:FileSink</c> (then <paramref name="configure"/>) and validated at
    /// start-up.
    /// </summary>
    /// <remarks>
    /// Replaces the delivery pipeline whether it is called before or after <c>AddAuditKit</c> (or <c>AddAuditing</c>,
    /// <c>AddEntityAuditing</c>): the background sender then does not start and <c>AuditKit:ServerUrl</c> is not
    /// required. <see cref="AuditKitOptions.ServiceName"/> and <see cref="AuditKitOptions.ServiceVersion"/> are still
    /// stamped on events that carry none. The file is closed, after the waiting events are written, when the
    /// service provider is disposed.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes applied after configuration binding.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddAuditFileSink(this IServiceCollection services, Action<AuditFileSinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var firstCall = !services.Any(static d => d.ServiceType == typeof(FileAuditSink));
        if (firstCall)
        {
            services.AddAuditOptions<AuditFileSinkOptions, AuditFileSinkOptionsValidator>(AuditFileSinkOptions.SectionName);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (!firstCall)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new AuditFileSinkMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(static sp => new FileAuditSink(
            sp.GetRequiredService<IOptions<AuditFileSinkOptions>>(),
            sp.GetRequiredService<AuditFileSinkMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<FileAuditSink>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<FileAuditSink>.Instance,
            sp.GetService<IOptions<AuditKitOptions>>()));
        services.Replace(ServiceDescriptor.Singleton<IAuditSink>(static sp => sp.GetRequiredService<FileAuditSink>()));
        return services;
    }
}
