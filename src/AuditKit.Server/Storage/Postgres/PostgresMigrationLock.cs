using Npgsql;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// A session-level advisory lock held on a connection of its own for the whole of a migration run, so that of
/// several server processes starting at once against one database exactly one migrates and the others then find
/// nothing left to do. EF Core's own lock is taken per migration transaction, which leaves a gap between two
/// migrations where a second process can re-apply the next one. The lock goes with the session if the process dies.
/// </summary>
internal sealed class PostgresMigrationLock : IAsyncDisposable
{
    // "AUDITKIT" in ASCII: one key for every AuditKit server of the database.
    private const long LockKey = 0x41554449544B4954;

    // Long enough for another process to finish migrating a large table; start-up is cancelled before that anyway.
    private const int WaitSeconds = 600;

    private readonly NpgsqlConnection _connection;

    private PostgresMigrationLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>The version of the PostgreSQL server the lock is held on.</summary>
    public Version ServerVersion => _connection.PostgreSqlVersion;

    /// <summary>The host of that server, as connected to.</summary>
    public string? Host => _connection.Host;

    public static async Task<PostgresMigrationLock> AcquireAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection) { CommandTimeout = WaitSeconds };
            command.Parameters.AddWithValue("key", LockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresMigrationLock(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection);
            command.Parameters.AddWithValue("key", LockKey);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
