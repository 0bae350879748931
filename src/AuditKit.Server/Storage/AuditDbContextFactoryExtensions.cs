using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.Server.Storage;

/// <summary>Contexts that take part in a transaction opened outside EF Core.</summary>
internal static class AuditDbContextFactoryExtensions
{
    /// <summary>
    /// A context on its own connection or, when <paramref name="transaction"/> is given, on that transaction's connection
    /// and in it (the transaction that stores the audit event recording a change, see <see cref="AuditTransactionWork"/>).
    /// </summary>
    public static async Task<AuditDbContext> CreateDbContextAsync(
        this IDbContextFactory<AuditDbContext> contexts, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (transaction is not null)
        {
            db.Database.SetDbConnection(transaction.Connection);
            await db.Database.UseTransactionAsync(transaction, cancellationToken).ConfigureAwait(false);
        }

        return db;
    }
}
