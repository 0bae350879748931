using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using AuditKit.Server.Storage.Postgres;
using AuditKit.Server.Storage.Sqlite;

namespace AuditKit.Server.Storage;

/// <summary>Registers the server's storage: <see cref="IAuditEventStore"/>, <see cref="ITenantStore"/> and the schema migration at start-up.</summary>
internal static class AuditStorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds the event and tenant stores on PostgreSQL when <c>ConnectionStrings:AuditKit</c> is set, otherwise on the
    /// SQLite file at <c>AuditKit:Storage:SqlitePath</c> (default <c>data/auditkit.db</c> under the working
    /// directory), and a hosted service that migrates the schema before the server starts listening.
    /// The provider is chosen when the services are first resolved, so configuration added later (tests) counts.
    /// </summary>
    public static IServiceCollection AddAuditStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<AuditStorageOptions>()
            .Bind(configuration.GetSection(AuditStorageOptions.SectionName))
            .Configure(o =>
            {
                if (configuration.GetConnectionString(AuditStorageOptions.ConnectionStringName) is { Length: > 0 } connectionString)
                {
                    o.PostgresConnectionString = connectionString;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditStorageOptions>, AuditStorageOptionsValidator>());

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value;
            if (options.Provider != AuditStorageProvider.Postgres)
            {
                throw new InvalidOperationException($"No PostgreSQL connection string is configured (ConnectionStrings:{AuditStorageOptions.ConnectionStringName}).");
            }

            var builder = new NpgsqlDataSourceBuilder(options.PostgresConnectionString);
            builder.UseLoggerFactory(sp.GetService<ILoggerFactory>());
            return builder.Build();
        });
        services.TryAddSingleton(sp => SqliteStorageConnection.ForFile(sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value.SqlitePath));

        services.AddDbContextFactory<PostgresAuditDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddDbContextFactory<SqliteAuditDbContext>((sp, o) => o.UseSqlite(sp.GetRequiredService<SqliteStorageConnection>().ConnectionString));
        services.TryAddSingleton<IDbContextFactory<AuditDbContext>, AuditDbContextFactory>();

        services.TryAddSingleton<IAuditEventStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value;
            return options.Provider == AuditStorageProvider.Postgres
                ? new PostgresAuditEventStore(
                    sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<AuditStorageMetrics>(), summaryRollup: options.SummaryRollup)
                : new SqliteAuditEventStore(
                    sp.GetRequiredService<SqliteStorageConnection>(), sp.GetRequiredService<AuditStorageMetrics>(), options.SummaryRollup);
        });
        services.TryAddSingleton<ITenantStore, AuditTenantStore>();
        services.TryAddSingleton<IConsoleUserStore, ConsoleUserStore>();
        services.AddMetrics();
        services.TryAddSingleton<AuditStorageMetrics>();

        services.TryAddSingleton<AuditStorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditStorageInitializer>());
        return services;
    }
}
