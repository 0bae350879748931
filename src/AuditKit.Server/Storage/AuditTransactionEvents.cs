using AuditKit.Server.Actions;
using AuditKit.Server.Storage.Postgres;

namespace AuditKit.Server.Storage;

/// <summary>
/// Writes audit events inside a transaction another insert opened (see <see cref="AuditInsertHooks.Before"/>): the
/// records of one change in the logs of further tenants (a multi-tenant key's creation in every tenant it can write),
/// so the change and all its records commit together or not at all. For a handful of server-written records only:
/// ingest goes through <see cref="IAuditEventStore.InsertAsync"/>. They are linked into each tenant's chain like any
/// other insert (the tenant's head locked until the transaction ends).
/// </summary>
internal sealed class AuditTransactionEvents(IDbContextFactory<AuditDbContext> contexts, StorageConnections connections, ActionVocabulary actions)
{
    /// <summary>
    /// Locks the chain heads of <paramref name="tenantIds"/> in <paramref name="transaction"/>, in ordinal order of the
    /// tenant ids, before anything else of a change recorded in several tenants' logs takes one: two such changes over
    /// overlapping tenants then wait for each other instead of deadlocking (each later lock of a head the transaction
    /// holds returns at once). Nothing to lock on SQLite, which admits one writer at a time.
    /// </summary>
    public async Task LockHeadsAsync(IEnumerable<string> tenantIds, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantIds);
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection ?? throw new ArgumentException("The transaction has no connection.", nameof(transaction));
        await RowLevelSecurity.OpenToSystemAsync(transaction, cancellationToken).ConfigureAwait(false);
        foreach (var tenantId in tenantIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await AuditChain.LockHeadAsync(connection, transaction, connections.Dialect, tenantId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores <paramref name="events"/> (new ids, already validated) for <paramref name="tenantId"/> in
    /// <paramref name="transaction"/>; a repeated id fails the whole transaction.
    /// </summary>
    public async Task AddAsync(
        string tenantId, IReadOnlyList<AuditEvent> events, DateTimeOffset receivedAt, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(transaction);
        var rows = events.Select(e => AuditEventRow.From(tenantId, e, receivedAt, actions)).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var connection = transaction.Connection ?? throw new ArgumentException("The transaction has no connection.", nameof(transaction));
        var chain = AuditChainBatch.Prepare(rows);

        // Another tenant's records than the tenant the transaction's connection was opened for: on PostgreSQL the
        // transaction is widened past row-level security until it ends.
        await RowLevelSecurity.OpenToSystemAsync(transaction, cancellationToken).ConfigureAwait(false);
        var head = await AuditChain.LockHeadAsync(connection, transaction, connections.Dialect, tenantId, cancellationToken).ConfigureAwait(false);
        head = chain.Link(head);
        await using (var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenantId), transaction, cancellationToken).ConfigureAwait(false))
        {
            db.Events.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        await AuditChain.SaveHeadAsync(connection, transaction, tenantId, head, cancellationToken).ConfigureAwait(false);
    }
}
