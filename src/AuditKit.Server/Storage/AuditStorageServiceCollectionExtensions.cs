using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using AuditKit.Server.Actions;
using AuditKit.Server.Storage.Postgres;
using AuditKit.Server.Storage.Sqlite;

namespace AuditKit.Server.Storage;

/// <summary>
/// Registers the server's storage: <see cref="IAuditEventStore"/>, <see cref="ITenantStore"/>, the stores of detection,
/// alerts, webhooks and retention, and the schema migration at start-up.
/// </summary>
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

                if (configuration.GetConnectionString(AuditStorageOptions.MigrationsConnectionStringName) is { Length: > 0 } owner)
                {
                    o.MigrationsConnectionString = owner;
                }

                if (configuration.GetConnectionString(AuditStorageOptions.ReadConnectionStringName) is { Length: > 0 } read)
                {
                    o.ReadConnectionString = read;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditStorageOptions>, AuditStorageOptionsValidator>());
        services.AddOptions<EventPartitionOptions>().Bind(configuration.GetSection(EventPartitionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventPartitionOptions>, EventPartitionOptionsValidator>());
        services.AddAuditActions(configuration);

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value;
            if (options.Provider != AuditStorageProvider.Postgres)
            {
                throw new InvalidOperationException($"No PostgreSQL connection string is configured (ConnectionStrings:{AuditStorageOptions.ConnectionStringName}).");
            }

            var builder = new NpgsqlDataSourceBuilder(options.AutoPrepared(options.PooledConnectionString()));
            builder.UseLoggerFactory(sp.GetService<ILoggerFactory>());
            return builder.Build();
        });
        // The event store's write pool (same database, not reset between users, its own size): nothing else opens it.
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value;
            return PostgresIngestDataSource.Create(options.PooledConnectionString(), options.IngestPoolSize, sp.GetService<ILoggerFactory>());
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value;
            NpgsqlDataSource? replica = null;
            if (options.HasReadReplica)
            {
                var builder = new NpgsqlDataSourceBuilder(options.AutoPrepared(options.PooledReadConnectionString()));
                builder.UseLoggerFactory(sp.GetService<ILoggerFactory>());
                replica = builder.Build();
            }

            return new PostgresConnections(
                sp.GetRequiredService<NpgsqlDataSource>(), replica, options.ReadReplicaMaxLag, sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetRequiredService<AuditStorageMetrics>(), sp.GetRequiredService<ILogger<PostgresConnections>>());
        });
        services.TryAddSingleton(sp => SqliteStorageConnection.ForFile(sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value.SqlitePath));

        services.AddDbContextFactory<PostgresAuditDbContext>((sp, o) => QuietFailures(o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>())));
        services.AddDbContextFactory<SqliteAuditDbContext>((sp, o) => QuietFailures(o.UseSqlite(sp.GetRequiredService<SqliteStorageConnection>().ConnectionString)));
        services.TryAddSingleton<IDbContextFactory<AuditDbContext>, AuditDbContextFactory>();

        services.TryAddSingleton<IAuditEventStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value;
            return options.Provider == AuditStorageProvider.Postgres
                ? new PostgresAuditEventStore(
                    sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<AuditStorageMetrics>(), summaryRollup: options.SummaryRollup,
                    actions: sp.GetRequiredService<ActionVocabulary>(), connections: sp.GetRequiredService<PostgresConnections>(),
                    ingest: sp.GetRequiredService<PostgresIngestDataSource>(), statistics: sp.GetRequiredService<PostgresPartitionStatistics>(),
                    timeProvider: sp.GetService<TimeProvider>())
                : new SqliteAuditEventStore(
                    sp.GetRequiredService<SqliteStorageConnection>(), sp.GetRequiredService<AuditStorageMetrics>(), options.SummaryRollup,
                    sp.GetRequiredService<ActionVocabulary>());
        });
        // Partitions analyzed when a tenant new to them writes there (PostgreSQL; idle on SQLite, whose store never reports).
        services.TryAddSingleton(sp => new PostgresPartitionStatistics(
            sp.GetRequiredService<NpgsqlDataSource>, sp.GetRequiredService<IOptions<EventPartitionOptions>>().Value.Period,
            sp.GetRequiredService<AuditStorageMetrics>(), sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<PostgresPartitionStatistics>>()));
        services.TryAddSingleton<ITenantStore, AuditTenantStore>();
        services.TryAddSingleton<AuditTransactionEvents>();
        services.TryAddSingleton<AuditActionBackfill>();
        services.TryAddSingleton<StorageConnections>();
        services.TryAddSingleton<IRetentionStore, RelationalRetentionStore>();
        services.TryAddSingleton<IErasureStore, RelationalErasureStore>();
        services.TryAddSingleton<IAlertStore, RelationalAlertStore>();
        services.TryAddSingleton<IWebhookStore, RelationalWebhookStore>();
        services.TryAddSingleton(static sp => sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value is { HasOwnerConnection: true } o
            ? new PostgresBulkLoad(
                new NpgsqlDataSourceBuilder(o.MigrationsConnectionString).UseLoggerFactory(sp.GetService<ILoggerFactory>()).Build(), ownsDataSource: true)
            : new PostgresBulkLoad(sp.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton<IDetectionStore>(sp => sp.GetRequiredService<IOptions<AuditStorageOptions>>().Value.Provider == AuditStorageProvider.Postgres
            ? new PostgresDetectionStore(sp.GetRequiredService<StorageConnections>())
            : new SqliteDetectionStore(sp.GetRequiredService<StorageConnections>()));
        services.TryAddSingleton<IConsoleUserStore, ConsoleUserStore>();
        services.TryAddSingleton<ICheckpointStore, RelationalCheckpointStore>();
        services.AddMetrics();
        services.TryAddSingleton<AuditStorageMetrics>();

        services.TryAddSingleton<AuditStorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditStorageInitializer>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresPartitionStatistics>());
        return services;
    }

    // A failed command, connection or query is thrown to the caller, which logs it once: a request's exception
    // handler (500 as an error; 503 as one rate-limited warning while the database is away), a background service
    // its own way. EF Core's own error line would repeat it with a stack trace per request, so it is debug output.
    private static DbContextOptionsBuilder QuietFailures(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(static w => w.Log(
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
}
