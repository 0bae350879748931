using AuditKit.Server.Storage.Postgres;
using Npgsql;

namespace AuditKit.Server.Storage;

/// <summary>Contexts that take part in a transaction opened outside EF Core.</summary>
internal static class AuditDbContextFactoryExtensions
{
    /// <summary>
    /// A context on its own connection (opened here and kept open until the context is disposed) that sees the rows of
    /// <paramref name="scope"/> only (on PostgreSQL, see <see cref="RowLevelSecurity"/>) or, when
    /// <paramref name="transaction"/> is given, on that transaction's connection and in it (the transaction that stores
    /// the audit event recording a change, see <see cref="AuditTransactionWork"/>): that connection was opened for the
    /// insert's tenant (<see cref="StorageConnections.OpenAsync(StorageScope, CancellationToken)"/>) and keeps it, so <paramref name="scope"/> only
    /// names, at the call site, whose rows the work is about.
    /// </summary>
    public static async Task<AuditDbContext> CreateDbContextAsync(
        this IDbContextFactory<AuditDbContext> contexts, StorageScope scope, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (transaction is not null)
            {
                db.Database.SetDbConnection(transaction.Connection);
                await db.Database.UseTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
            }
            else if (db.Database.GetDbConnection() is NpgsqlConnection connection)
            {
                await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await RowLevelSecurity.ApplyAsync(connection, scope, cancellationToken).ConfigureAwait(false);
            }

            return db;
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A context on the connection of <paramref name="transaction"/> and in it; it sees what that connection was opened
    /// for (the tenant of the audit event the transaction stores).
    /// </summary>
    public static Task<AuditDbContext> CreateDbContextAsync(
        this IDbContextFactory<AuditDbContext> contexts, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return contexts.CreateDbContextAsync(default, transaction, cancellationToken);
    }

    /// <summary>A context on its own connection that sees the rows of <paramref name="scope"/> only.</summary>
    public static Task<AuditDbContext> CreateDbContextAsync(
        this IDbContextFactory<AuditDbContext> contexts, StorageScope scope, CancellationToken cancellationToken) =>
        contexts.CreateDbContextAsync(scope, transaction: null, cancellationToken);
}
