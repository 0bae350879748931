using Npgsql;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// The pool of the event store's write path, apart from the server's shared one: the same connection string with
/// <c>No Reset On Close</c>, a larger write buffer and its own <c>Maximum Pool Size</c> (<c>AuditKit:Storage:IngestPoolSize</c>). Npgsql resets a
/// pooled connection before its next use (<c>DISCARD ALL</c>), which drops the session's temporary tables, so on the
/// shared pool the store's staging table <c>audit_events_incoming</c> is created again for every batch (catalog rows for
/// some 50 columns) and its <c>INSERT … SELECT</c> is a new statement every time. Here the table lives as long as the
/// physical connection. Nothing but <see cref="PostgresAuditEventStore"/>'s writes opens a connection of this pool, and
/// they leave no session state behind: the tenant is set for the transaction only (<c>set_config(…, true)</c>, see
/// <see cref="RowLevelSecurity.TransactionScope"/>), and the staging table is emptied at every commit
/// (<c>ON COMMIT DELETE ROWS</c>) and by every rollback. docs/bench-ingest.md has the numbers behind it.
/// </summary>
internal sealed class PostgresIngestDataSource : IAsyncDisposable
{
    public PostgresIngestDataSource(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        DataSource = dataSource;
    }

    /// <summary>The pool; for the event store's writes only.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// The write pool for <paramref name="connectionString"/> (the shared pool's): <c>No Reset On Close</c>, at most
    /// <paramref name="maxPoolSize"/> connections, named <c>auditkit-ingest</c> in <c>pg_stat_activity</c>.
    /// </summary>
    public static PostgresIngestDataSource Create(string connectionString, int maxPoolSize, ILoggerFactory? loggerFactory = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.ConnectionStringBuilder.MaxPoolSize = maxPoolSize;
        builder.ConnectionStringBuilder.MinPoolSize = 0;
        // A batch's COPY is some 500 KB: sent in 64 KB writes instead of the default 8 KB ones, it takes an eighth of the
        // socket sends and of the driver's per-flush work (a cancellation registration each).
        builder.ConnectionStringBuilder.WriteBufferSize = Math.Max(builder.ConnectionStringBuilder.WriteBufferSize, WriteBufferBytes);
        builder.ConnectionStringBuilder.ApplicationName ??= ApplicationName;
        builder.UseLoggerFactory(loggerFactory);
        return new PostgresIngestDataSource(builder.Build());
    }

    /// <summary>The least <c>Write Buffer Size</c> of the pool's connections (a larger one in the connection string is kept).</summary>
    public const int WriteBufferBytes = 64 * 1024;

    /// <summary>The <c>Application Name</c> of the pool's connections unless the connection string sets one.</summary>
    public const string ApplicationName = "auditkit-ingest";

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
