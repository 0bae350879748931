using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
using Npgsql;
using AuditKit.Server.Storage.Sqlite;

namespace AuditKit.Server.Storage;

/// <summary>
/// Brings the schema up to date at start-up, before the server takes requests: applies the configured provider's
/// pending EF Core migrations. Safe when several server processes start at once against one PostgreSQL database:
/// EF Core (9+) holds a lock on the migrations history table while it migrates, so the others wait and then find
/// nothing left to apply.
/// </summary>
internal sealed partial class AuditStorageInitializer(
    IServiceProvider services,
    IOptions<AuditStorageOptions> options,
    ILogger<AuditStorageInitializer> logger) : IHostedService
{
    // An arbitrary constant naming "AuditKit schema migration" among the database's advisory locks.
    private const long MigrationLockKey = 0x41_75_64_69_74_4B_69_74;

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

        // EF Core's own migration lock does not cover a run of several migrations against another server's run (the
        // second can re-apply one the first just recorded), so servers starting together take turns on PostgreSQL.
        await using var turn = provider == AuditStorageProvider.Postgres
            ? await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        if (turn is not null)
        {
            await using var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", turn);
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var db = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>()
            .CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        // On a new database EF Core reads the history table before creating it and logs that read as a failed
        // command; creating it first (IF NOT EXISTS, as EF Core itself does) keeps a first start free of errors.
        var history = db.GetService<IHistoryRepository>();
        try
        {
            await history.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // Another server process may have created it at the same moment (IF NOT EXISTS is not atomic in
            // PostgreSQL); anything else fails again, and for real, in MigrateAsync.
        }

        // A migration may (re)build an index over millions of events: far longer than a query's timeout.
        db.Database.SetCommandTimeout(TimeSpan.FromHours(2));
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).LastOrDefault();
        LogStorageReady(logger, provider, applied ?? "none");

        // Closing the connection (returned to the pool) would keep a session lock: release it explicitly.
        if (turn is not null)
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLockKey})", turn);
            await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Audit storage ready on {Provider}, schema at migration {Migration}.")]
    private static partial void LogStorageReady(ILogger logger, AuditStorageProvider provider, string migration);
}
