namespace AuditKit.Server.Detection;

/// <summary>
/// Work another slice does for newly raised alerts (webhooks queue their deliveries): in the pass's transaction, so
/// an alert is never raised without it, and once more after the commit.
/// </summary>
internal interface IAlertRaisedHandler
{
    /// <summary>Runs in <paramref name="pass"/>'s transaction; returns how many items it queued.</summary>
    Task<int> OnRaisedAsync(DetectionPass pass, IReadOnlyList<WrittenAlert> raised, CancellationToken cancellationToken);

    /// <summary>Runs after the pass committed, with what <see cref="OnRaisedAsync"/> returned.</summary>
    void OnCommitted(int queued);
}
