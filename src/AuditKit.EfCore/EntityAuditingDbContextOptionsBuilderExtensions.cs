using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Adds entity auditing to a context: <c>optionsBuilder.AddEntityAuditing(serviceProvider)</c>.</summary>
public static class EntityAuditingDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Audits every committed insert, update and delete of this context (one event per entity, masked old and new
    /// values), failed saves, and <c>ExecuteUpdate</c> / <c>ExecuteDelete</c>. Works with <c>AddDbContext</c>,
    /// <c>AddDbContextPool</c> and context factories.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddEntityAuditing();
    /// services.AddDbContext&lt;ShopContext&gt;((sp, o) =&gt; o.UseSqlite(connectionString).AddEntityAuditing(sp));
    /// </code>
    /// </example>
    /// <param name="optionsBuilder">The context's options.</param>
    /// <param name="serviceProvider">
    /// The application's services: an <see cref="AuditKit.IAuditSink"/> is required; the options of
    /// <see cref="EntityAuditingServiceCollectionExtensions.AddEntityAuditing"/>, the masking options and the
    /// <see cref="AuditKit.IAuditContextAccessor"/> are used when registered.
    /// </param>
    /// <returns>The same options builder.</returns>
    public static DbContextOptionsBuilder AddEntityAuditing(this DbContextOptionsBuilder optionsBuilder, IServiceProvider serviceProvider)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        var auditor = serviceProvider.GetEntityAuditor();
        optionsBuilder.AddInterceptors(auditor.ContextInterceptors);
        if (auditor.OptionsExtension is { } extension)
        {
            // Bulk commands are seen by a command logger of the audited contexts' own rather than a command
            // interceptor, so that the commands of SaveChanges (one per row on SQLite) cost nothing extra; see
            // AuditingCommandDiagnosticsLogger.
            ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(extension);
        }

        return optionsBuilder;
    }

    /// <inheritdoc cref="AddEntityAuditing(DbContextOptionsBuilder, IServiceProvider)"/>
    public static DbContextOptionsBuilder<TContext> AddEntityAuditing<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder, IServiceProvider serviceProvider)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        AddEntityAuditing((DbContextOptionsBuilder)optionsBuilder, serviceProvider);
        return optionsBuilder;
    }
}
