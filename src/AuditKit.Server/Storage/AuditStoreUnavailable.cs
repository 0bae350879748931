using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AuditKit.Server.Storage;

/// <summary>
/// Tells the errors that mean "the database cannot be reached or cannot take this request now" (answered 503, retry
/// later) from every other failure (a bug or bad data: 500). Only what the providers report as such counts.
/// </summary>
internal static class AuditStoreUnavailable
{
    // SQLite's primary result codes: the file is locked by another writer or cannot be opened.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteCantOpen = 14;

    /// <summary>
    /// Whether <paramref name="exception"/>, or an exception it wraps, is the store being away or saturated:
    /// a transient Npgsql error (connection refused or reset, server shutting down, too many connections, the
    /// connection pool exhausted), or SQLite busy, locked or unable to open its file.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++)
        {
            switch (exception)
            {
                case PostgresException postgres:
                    // Npgsql counts the connection (08), resource (53), shutdown (57P) and serialization classes as
                    // transient; a constraint or syntax error is a bug, not the database being away.
                    return postgres.IsTransient;
                case NpgsqlException npgsql when npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException:
                    return true;
                case SqliteException sqlite when sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked or SqliteCantOpen:
                    return true;
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    continue;
            }

            exception = exception.InnerException;
        }

        return false;
    }
}
