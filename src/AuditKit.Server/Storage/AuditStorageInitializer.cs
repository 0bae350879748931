using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using AuditKit.Server.Storage.Postgres;
using AuditKit.Server.Storage.Sqlite;

namespace AuditKit.Server.Storage;

/// <summary>
/// Brings the schema up to date at start-up, before the server takes requests: applies the configured provider's
/// pending EF Core migrations. Safe when several server processes start at once against one PostgreSQL database:
/// each holds <see cref="PostgresMigrationLock"/> while it migrates, so the others wait and then find nothing left
/// to apply (on SQLite, EF Core's own lock table does the same for the whole run).
/// </summary>
internal sealed partial class AuditStorageInitializer(
    IServiceProvider services,
    IOptions<AuditStorageOptions> options,
    ILogger<AuditStorageInitializer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.MigrateOnStart ? InitializeAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies pending migrations (and, on SQLite, switches the file to WAL mode).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var provider = options.Value.Provider;
        if (provider == AuditStorageProvider.Sqlite)
        {
            // WAL is a property of the file: set once, it lets readers run while a batch is being written.
            await using var connection = await services.GetRequiredService<SqliteStorageConnection>().OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        // With an owner connection string the owner migrates (and owns what the migrations create), then grants the
        // runtime role what requests need; otherwise the one role does both.
        await using var ownerSource = options.Value.HasOwnerConnection
            ? new NpgsqlDataSourceBuilder(options.Value.MigrationsConnectionString).UseLoggerFactory(services.GetService<ILoggerFactory>()).Build()
            : null;
        await using var migrationLock = provider == AuditStorageProvider.Postgres
            ? await PostgresMigrationLock.AcquireAsync(ownerSource ?? services.GetRequiredService<NpgsqlDataSource>(), cancellationToken).ConfigureAwait(false)
            : null;
        if (migrationLock is not null)
        {
            EnsureSupportedPostgres(migrationLock.ServerVersion, migrationLock.Host);
        }

        await using var db = ownerSource is null
            ? await services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync(cancellationToken).ConfigureAwait(false)
            : new PostgresAuditDbContext(new DbContextOptionsBuilder<PostgresAuditDbContext>().UseNpgsql(ownerSource).Options);

        // On a new database EF Core reads the history table before creating it and logs that read as a failed
        // command; creating it first (IF NOT EXISTS, as EF Core itself does) keeps a first start free of errors.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);

        await EnsureKnownHistoryAsync(db, cancellationToken).ConfigureAwait(false);

        // A migration may (re)build an index over millions of events: far longer than a query's timeout.
        db.Database.SetCommandTimeout(TimeSpan.FromHours(2));
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).LastOrDefault();
        if (ownerSource is not null)
        {
            await GrantRuntimeRoleAsync(ownerSource, cancellationToken).ConfigureAwait(false);
        }

        // Still under the migration lock, so of several processes starting at once only one fills the rows; as the
        // owner where there is one, since the runtime role may not update events.
        var filled = await services.GetRequiredService<AuditActionBackfill>().RunAsync(ownerSource, cancellationToken).ConfigureAwait(false);
        if (filled > 0)
        {
            LogActionsBackfilled(logger, filled);
        }

        LogStorageReady(logger, provider, applied ?? "none");
    }

    /// <summary>Applies <see cref="PostgresRuntimeGrants"/> to the role of the runtime connection string, unless it is the owner itself.</summary>
    private async Task GrantRuntimeRoleAsync(NpgsqlDataSource ownerSource, CancellationToken cancellationToken)
    {
        var runtime = new NpgsqlConnectionStringBuilder(options.Value.PostgresConnectionString).Username;
        var owner = new NpgsqlConnectionStringBuilder(options.Value.MigrationsConnectionString).Username;
        if (string.IsNullOrEmpty(runtime) || string.Equals(runtime, owner, StringComparison.Ordinal))
        {
            return;
        }

        await using var connection = await ownerSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresRuntimeGrants.ApplyAsync(connection, runtime, cancellationToken).ConfigureAwait(false);
        LogRuntimeGrants(logger, runtime);
    }

    /// <summary>
    /// Refuses a database whose history names migrations this build does not have: left alone, EF Core would apply
    /// <c>InitialSchema</c> over the existing tables and stop on "table already exists". Such a database was made by a
    /// development build from before 0.1.0 (whose migrations were squashed into one) or by a newer AuditKit.
    /// </summary>
    private static async Task EnsureKnownHistoryAsync(AuditDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false))
            .Where(m => !known.Contains(m))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The audit database has schema migrations this AuditKit server does not know: {string.Join(", ", unknown)}. " +
                "If it was created by a development build from before 0.1.0, whose migrations were squashed into one InitialSchema, " +
                "it cannot be upgraded: export the events you need, drop the database (or delete the SQLite file) and start the server again " +
                "to create the schema from scratch. If it was created by a newer AuditKit, run that version.");
        }
    }

    /// <summary>The oldest PostgreSQL the schema runs on: the summary rollup's unique index uses <c>NULLS NOT DISTINCT</c>.</summary>
    internal static readonly Version MinimumPostgres = new(15, 0);

    /// <summary>
    /// Refuses to migrate an older PostgreSQL with a message that says so, rather than with the syntax error its first
    /// unsupported statement would raise halfway through the migrations.
    /// </summary>
    internal static void EnsureSupportedPostgres(Version serverVersion, string? host)
    {
        ArgumentNullException.ThrowIfNull(serverVersion);
        if (serverVersion < MinimumPostgres)
        {
            throw new InvalidOperationException(
                $"AuditKit needs PostgreSQL {MinimumPostgres.Major} or later; the server at {host ?? "the configured address"} is PostgreSQL {serverVersion}. " +
                "Upgrade it, or leave ConnectionStrings:AuditKit empty to use the embedded SQLite store.");
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Granted the runtime role {Role} its privileges: events and checkpoints are append-only for it.")]
    private static partial void LogRuntimeGrants(ILogger logger, string role);
    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Canonical actions filled in for {Count} events stored before the action vocabulary.")]
    private static partial void LogActionsBackfilled(ILogger logger, long count);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Audit storage ready on {Provider}, schema at migration {Migration}.")]
    private static partial void LogStorageReady(ILogger logger, AuditStorageProvider provider, string migration);
}
