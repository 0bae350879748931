using Microsoft.EntityFrameworkCore;
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
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        LogStorageReady(logger, provider, pending.Count);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Audit storage ready on {Provider} ({Pending} pending migrations applied or found applied).")]
    private static partial void LogStorageReady(ILogger logger, AuditStorageProvider provider, int pending);
}
