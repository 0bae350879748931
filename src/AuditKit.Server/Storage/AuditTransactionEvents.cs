using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.Server.Storage;

/// <summary>
/// Writes audit events inside a transaction another insert opened (see <see cref="AuditInsertHooks.Before"/>): the
/// records of one change in the logs of further tenants (a multi-tenant key's creation in every tenant it can write),
/// so the change and all its records commit together or not at all. For a handful of server-written records only:
/// ingest goes through <see cref="IAuditEventStore.InsertAsync"/>.
/// </summary>
internal sealed class AuditTransactionEvents(IDbContextFactory<AuditDbContext> contexts)
{
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
        await using var db = await contexts.CreateDbContextAsync(transaction, cancellationToken).ConfigureAwait(false);
        db.Events.AddRange(events.Select(e => AuditEventRow.From(tenantId, e, receivedAt)));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }
}
