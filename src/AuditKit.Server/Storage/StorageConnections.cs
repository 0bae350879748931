using AuditKit.Server.Storage.Postgres;
using AuditKit.Server.Storage.Sqlite;
using Npgsql;

namespace AuditKit.Server.Storage;

/// <summary>
/// The one way the stores that write SQL by hand open a connection to the configured database, and the dialect that
/// SQL is written in. The provider is read when first used, so configuration added after registration (tests) counts.
/// </summary>
internal sealed class StorageConnections(IServiceProvider services, IOptions<AuditStorageOptions> options)
{
    /// <summary>Whether the configured database is PostgreSQL.</summary>
    public bool IsPostgres => options.Value.Provider == AuditStorageProvider.Postgres;

    public AuditSqlDialect Dialect => IsPostgres ? PostgresSqlDialect.Instance : SqliteSqlDialect.Instance;

    /// <summary>
    /// Opens a connection to the primary (writes, and reads that must see them) that sees the rows of
    /// <paramref name="scope"/> only (on PostgreSQL, where row-level security is the second tenant wall, see
    /// <see cref="RowLevelSecurity"/>; SQLite has none).
    /// </summary>
    public ValueTask<DbConnection> OpenAsync(StorageScope scope, CancellationToken cancellationToken) =>
        OpenAsync(scope, ConnectionIntent.Primary, cancellationToken);

    /// <summary>
    /// Opens a connection for <paramref name="intent"/> that sees the rows of <paramref name="scope"/> only: on
    /// PostgreSQL, <see cref="PostgresConnections"/> decides where it goes (a <see cref="ConnectionIntent.Read"/> may go
    /// to the read replica) and <see cref="RowLevelSecurity"/> sets its scope; SQLite has one file for every intent.
    /// </summary>
    public async ValueTask<DbConnection> OpenAsync(StorageScope scope, ConnectionIntent intent, CancellationToken cancellationToken)
    {
        if (!IsPostgres)
        {
            return await services.GetRequiredService<SqliteStorageConnection>().OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = await services.GetRequiredService<PostgresConnections>().OpenAsync(intent, cancellationToken).ConfigureAwait(false);
        return await ScopeAsync(connection, scope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a connection of <paramref name="dataSource"/> that sees the rows of <paramref name="scope"/> only.</summary>
    public static async ValueTask<NpgsqlConnection> OpenPostgresAsync(NpgsqlDataSource dataSource, StorageScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ScopeAsync(connection, scope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the scope of <paramref name="connection"/>, just opened; closes it when that fails.</summary>
    public static async ValueTask<NpgsqlConnection> ScopeAsync(NpgsqlConnection connection, StorageScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            await RowLevelSecurity.ApplyAsync(connection, scope, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
