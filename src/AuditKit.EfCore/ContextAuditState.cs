namespace AuditKit.EfCore;

/// <summary>
/// The audit state of one <see cref="Microsoft.EntityFrameworkCore.DbContext"/> instance. The interceptors are shared
/// by every context built from the same options (and by every lease of a pooled context), so this state lives beside
/// the context, never in them. A context is used by one flow at a time, so no locking is needed.
/// </summary>
internal sealed class ContextAuditState
{
    private const int MaxNestedSaves = 8;

    /// <summary>SaveChanges calls in progress; a stack because SaveChanges may be re-entered from a handler.</summary>
    public List<SaveChangesCapture> Saves { get; } = [];

    /// <summary>Events of work done inside <see cref="PendingTransactionId"/>, waiting for its commit.</summary>
    public List<AuditEvent> Pending { get; } = [];

    /// <summary>The transaction the <see cref="Pending"/> events belong to.</summary>
    public Guid PendingTransactionId { get; set; }

    /// <summary><see cref="Pending"/>'s length at each open savepoint, innermost last.</summary>
    public List<int> Savepoints { get; } = [];

    /// <summary>The handler waiting for a concurrency failure to surface through <c>DbContext.SaveChangesFailed</c>.</summary>
    public EventHandler<Microsoft.EntityFrameworkCore.SaveChangesFailedEventArgs>? ConcurrencyFailureHandler { get; set; }

    public SaveChangesCapture? CurrentSave => Saves.Count > 0 ? Saves[^1] : null;

    /// <summary>The save whose changes are captured when EF Core has detected them (see <c>EntityAuditor.SavingChanges</c>).</summary>
    public SaveChangesCapture? AwaitingDetection { get; set; }

    /// <summary>Subscribed to <c>ChangeTracker.DetectedAllChanges</c> while <see cref="AwaitingDetection"/> is set; made once per context.</summary>
    public EventHandler<Microsoft.EntityFrameworkCore.ChangeTracking.DetectedChangesEventArgs>? DetectedAllChangesHandler { get; set; }

    /// <summary>
    /// Starts tracking a save. A save that ended without any of EF Core's completion hooks (an exception thrown by
    /// another interceptor before the save began) leaves its capture behind; a deep stack can only be such leftovers,
    /// so the oldest are let go rather than kept alive with a pooled context.
    /// </summary>
    public void PushSave(SaveChangesCapture capture)
    {
        if (Saves.Count >= MaxNestedSaves)
        {
            Saves.RemoveAt(0);
        }

        Saves.Add(capture);
    }

    public SaveChangesCapture? PopSave()
    {
        if (Saves.Count == 0)
        {
            return null;
        }

        var capture = Saves[^1];
        Saves.RemoveAt(Saves.Count - 1);
        return capture;
    }

    /// <summary>Drops pending events and savepoints; returns how many events were dropped.</summary>
    public int DiscardPending()
    {
        var count = Pending.Count;
        Pending.Clear();
        Savepoints.Clear();
        PendingTransactionId = Guid.Empty;
        return count;
    }
}
