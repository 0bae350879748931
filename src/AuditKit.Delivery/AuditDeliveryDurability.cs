namespace AuditKit.Delivery;

/// <summary>What a crash of the application (kill -9, out of memory, power loss) may cost the audit trail.</summary>
public enum AuditDeliveryDurability
{
    /// <summary>
    /// Every batch is appended to the spool (durably, per <see cref="AuditDeliveryOptions.SpoolFsync"/>) when it is
    /// cut, before its first send, and marked acknowledged once the server answered. A crash loses at most the events
    /// of the batch still being gathered (<see cref="AuditDeliveryOptions.Linger"/>); what was sent but not yet
    /// acknowledged is sent again at the next start and deduplicated by the server. Costs one append (and fsync) per
    /// batch, not per event. The default.
    /// </summary>
    WriteAhead = 0,

    /// <summary>
    /// Batches stay in memory while they are sent and retried, and reach the spool only when the server is known to be
    /// down, the senders fall behind, or at shutdown. Cheaper on disk; a crash also loses the batches being sent or
    /// retried (seconds of events while the server is failing).
    /// </summary>
    Memory = 1,
}
