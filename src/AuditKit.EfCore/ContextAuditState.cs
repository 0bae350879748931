namespace AuditKit.EfCore;

/// <summary>
/// The saves in progress on one <see cref="Microsoft.EntityFrameworkCore.DbContext"/> instance (the events waiting
/// for a commit are <see cref="AuditEventBuffer"/>'s). The interceptors are shared
/// by every context built from the same options (and by every lease of a pooled context), so this state lives beside
/// the context, never in them. A context is used by one flow at a time, so no locking is needed.
/// </summary>
internal sealed class ContextAuditState
{
    private const int MaxNestedSaves = 8;

    /// <summary>SaveChanges calls in progress; a stack because SaveChanges may be re-entered from a handler.</summary>
    public List<SaveChangesCapture> Saves { get; } = [];

    /// <summary>The handler waiting for a concurrency failure to surface through <c>DbContext.SaveChangesFailed</c>.</summary>
    public EventHandler<Microsoft.EntityFrameworkCore.SaveChangesFailedEventArgs>? ConcurrencyFailureHandler { get; set; }

    public SaveChangesCapture? CurrentSave => Saves.Count > 0 ? Saves[^1] : null;

    /// <summary>
    /// Whether a SaveChanges is under way: from the SaveChanges interceptor to its completion, failure or
    /// cancellation. <see cref="AuditingCommandDiagnosticsLogger"/> leaves the commands run meanwhile to EF Core.
    /// </summary>
    public bool Saving => Saves.Count > 0;

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
}
