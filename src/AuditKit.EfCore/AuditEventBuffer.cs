using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AuditKit.EfCore;

/// <summary>
/// Hands events to the sink only once the work they record is committed: at once outside a transaction, at the
/// commit of the context's transaction (or of the ambient <c>TransactionScope</c>) otherwise, and never for work
/// rolled back, wholly or to a savepoint. One instance serves every context of an auditor; each context's waiting
/// events are kept beside it.
/// </summary>
internal sealed class AuditEventBuffer(IAuditSink sink, ILogger logger, EfCoreAuditMetrics metrics)
{
    private const string DisposedWithoutCommit = "transaction disposed without commit";

    private readonly ConditionalWeakTable<DbContext, PendingEvents> _pending = new();

    /// <summary>A save starts: events left from a transaction that ended without a commit (hence rolled back) are dropped.</summary>
    public void SaveStarting(DbContext context)
    {
        if (_pending.TryGetValue(context, out var pending)
            && pending.Events.Count > 0
            && context.Database.CurrentTransaction?.TransactionId != pending.TransactionId)
        {
            Discard(pending, DisposedWithoutCommit);
        }
    }

    /// <summary>Writes events now, or holds them until the transaction they belong to commits.</summary>
    public void Dispatch(DbContext context, List<AuditEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        if (context.Database.CurrentTransaction is { } transaction)
        {
            var pending = _pending.GetOrCreateValue(context);
            if (pending.TransactionId != transaction.TransactionId)
            {
                if (pending.Events.Count > 0)
                {
                    Discard(pending, DisposedWithoutCommit);
                }

                pending.TransactionId = transaction.TransactionId;
            }

            pending.Events.AddRange(events);
            return;
        }

        if (System.Transactions.Transaction.Current is { } ambient)
        {
            // Enlisted in a TransactionScope: the connection commits when the scope does.
            ambient.TransactionCompleted += (_, args) =>
            {
                if (args.Transaction?.TransactionInformation.Status == System.Transactions.TransactionStatus.Committed)
                {
                    Write(events);
                }
                else
                {
                    metrics.Discarded(events.Count);
                    logger.EventsDiscarded(events.Count, "transaction scope did not complete");
                }
            };
            return;
        }

        Write(events);
    }

    /// <summary>Hands events to the sink now; a sink that refuses or throws never fails the caller.</summary>
    public void Write(List<AuditEvent> events)
    {
        var rejected = 0;
        foreach (var auditEvent in events)
        {
            bool written;
            try
            {
                written = sink.TryWrite(auditEvent);
            }
#pragma warning disable CA1031 // A sink must never throw; if one does, the application's save must not fail for it.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                logger.SinkFailed(exception);
                written = false;
            }

            if (!written)
            {
                rejected++;
            }
        }

        metrics.Emitted(events.Count - rejected);
        if (rejected > 0)
        {
            metrics.Rejected(rejected);
            logger.SinkRefused(rejected);
        }
    }

    // ---- Transactions -------------------------------------------------------------------------------------------

    public void TransactionStarted(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending) && pending.Events.Count > 0)
        {
            // Left over from a transaction disposed without a commit, which rolls it back.
            Discard(pending, DisposedWithoutCommit);
        }
    }

    public void TransactionCommitted(DbContext? context, Guid transactionId)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending) || pending.Events.Count == 0)
        {
            return;
        }

        if (pending.TransactionId != transactionId)
        {
            Discard(pending, DisposedWithoutCommit);
            return;
        }

        var events = pending.Events.ToList();
        pending.Clear();
        Write(events);
    }

    public void TransactionEnded(DbContext? context, string reason)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending) && pending.Events.Count > 0)
        {
            Discard(pending, reason);
        }
    }

    public void SavepointCreated(DbContext? context)
    {
        if (context is not null)
        {
            var pending = _pending.GetOrCreateValue(context);
            pending.Savepoints.Add(pending.Events.Count);
        }
    }

    public void SavepointReleased(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending) && pending.Savepoints.Count > 0)
        {
            pending.Savepoints.RemoveAt(pending.Savepoints.Count - 1);
        }
    }

    /// <summary>
    /// Events of work after the innermost open savepoint are dropped; the savepoint stays open, as in SQL.
    /// Savepoints are taken to nest: rolling back to an outer one while an inner one is open is treated as
    /// rolling back to the inner one.
    /// </summary>
    public void SavepointRolledBack(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending) || pending.Savepoints.Count == 0)
        {
            return;
        }

        var mark = pending.Savepoints[^1];
        var dropped = pending.Events.Count - mark;
        if (dropped > 0)
        {
            pending.Events.RemoveRange(mark, dropped);
            metrics.Discarded(dropped);
            logger.EventsDiscarded(dropped, "rolled back to a savepoint");
        }
    }

    private void Discard(PendingEvents pending, string reason)
    {
        var count = pending.Clear();
        if (count > 0)
        {
            metrics.Discarded(count);
            logger.EventsDiscarded(count, reason);
        }
    }

    /// <summary>
    /// The events of one context waiting for its transaction to commit. A context is used by one flow at a time, so
    /// no locking is needed.
    /// </summary>
    private sealed class PendingEvents
    {
        /// <summary>Events of work done inside <see cref="TransactionId"/>, in order.</summary>
        public List<AuditEvent> Events { get; } = [];

        /// <summary>The transaction the <see cref="Events"/> belong to.</summary>
        public Guid TransactionId { get; set; }

        /// <summary><see cref="Events"/>' length at each open savepoint, innermost last.</summary>
        public List<int> Savepoints { get; } = [];

        /// <summary>Drops the events and savepoints; returns how many events were dropped.</summary>
        public int Clear()
        {
            var count = Events.Count;
            Events.Clear();
            Savepoints.Clear();
            TransactionId = Guid.Empty;
            return count;
        }
    }
}
