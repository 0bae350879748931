using System.Data.Common;
using AuditKit.Server.Storage.Postgres;
using AuditKit.Server.Storage.Sqlite;
using Microsoft.Extensions.Options;

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

    /// <summary>An open connection to the primary (writes, and reads that must see them).</summary>
    public ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(ConnectionIntent.Primary, cancellationToken);

    /// <summary>
    /// An open connection for <paramref name="intent"/>: on PostgreSQL, <see cref="PostgresConnections"/> decides
    /// (a <see cref="ConnectionIntent.Read"/> may go to the read replica); SQLite has one file for every intent.
    /// </summary>
    public async ValueTask<DbConnection> OpenAsync(ConnectionIntent intent, CancellationToken cancellationToken) => IsPostgres
        ? await services.GetRequiredService<PostgresConnections>().OpenAsync(intent, cancellationToken).ConfigureAwait(false)
        : await services.GetRequiredService<SqliteStorageConnection>().OpenAsync(cancellationToken).ConfigureAwait(false);
}
