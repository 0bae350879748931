using System.Runtime.CompilerServices;
using AuditKit;
using AuditKit.EfCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Finds the application's entity auditor and its interceptors.</summary>
internal static class EfCoreAuditingServiceProviderExtensions
{
    // Without AddEntityAuditing there is no singleton to hold the auditor: one per sink keeps it shared by every
    // context (and scope) of the application instead of rebuilding its metadata cache per context.
    private static readonly ConditionalWeakTable<IAuditSink, EntityAuditor> s_unregistered = new();

    /// <summary>
    /// The interceptors that audit a context, for <c>optionsBuilder.AddInterceptors(...)</c>: SaveChanges (entity
    /// events), transactions (events wait for the commit) and, unless <see cref="EntityAuditOptions.CaptureBulkOperations"/>
    /// is off, commands (<c>ExecuteUpdate</c> / <c>ExecuteDelete</c>). They are stateless and shared by every context,
    /// including pooled ones. Applications use <c>optionsBuilder.AddEntityAuditing(serviceProvider)</c>: it sees bulk commands without a
    /// command interceptor, which spares SaveChanges' commands the command id and event objects EF Core makes for every
    /// command once a command interceptor is registered (see docs/bench-efcore.md).
    /// </summary>
    /// <param name="serviceProvider">The application's services; must hold an <see cref="IAuditSink"/>.</param>
    internal static IInterceptor[] GetAuditingInterceptors(this IServiceProvider serviceProvider)
        => [.. serviceProvider.GetEntityAuditor().Interceptors];

    /// <summary>The auditor of the application: the registered one, else one per sink, else a throwaway (which throws without a sink).</summary>
    internal static EntityAuditor GetEntityAuditor(this IServiceProvider serviceProvider)
    {
        ArgumentNullException.ThrowIfNull(serviceProvider);
        var auditor = serviceProvider.GetService<EntityAuditor>();
        if (auditor is null)
        {
            var sink = serviceProvider.GetService<IAuditSink>();
            auditor = sink is null
                ? EntityAuditorFactory.Create(serviceProvider)
                : s_unregistered.GetValue(sink, _ => EntityAuditorFactory.Create(serviceProvider));
        }

        return auditor;
    }
}
