using Microsoft.Data.Sqlite;

namespace AuditKit.Server.Storage.Sqlite;

/// <summary>Opens connections to the embedded SQLite file (pooled by Microsoft.Data.Sqlite).</summary>
internal sealed class SqliteStorageConnection
{
    public SqliteStorageConnection(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ConnectionString = connectionString;
    }

    /// <summary>A connection string for a SQLite file at <paramref name="path"/>, creating its directory.</summary>
    public static SqliteStorageConnection ForFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,

            // Also how long a statement retries while another connection holds the write lock.
            DefaultTimeout = 30,
        };
        return new SqliteStorageConnection(builder.ConnectionString);
    }

    public string ConnectionString { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
