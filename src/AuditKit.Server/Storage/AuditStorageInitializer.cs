using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
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

        await using var db = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>()
            .CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        // On a new database EF Core reads the history table before creating it and logs that read as a failed
        // command; creating it first (IF NOT EXISTS, as EF Core itself does) keeps a first start free of errors.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).LastOrDefault();
        LogStorageReady(logger, provider, applied ?? "none");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Audit storage ready on {Provider}, schema at migration {Migration}.")]
    private static partial void LogStorageReady(ILogger logger, AuditStorageProvider provider, string migration);
}
