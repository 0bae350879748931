namespace AuditKit.Server.Detection;

/// <summary>
/// One row of <c>detection_outbox</c>: a committed batch of newly stored events not yet evaluated. Written in the
/// transaction that stores the events and deleted in the transaction of the pass that evaluates them, so every stored
/// event is evaluated exactly once even when the process that stored it stops before its pass
/// (<see cref="DetectionOutboxSweeper"/> evaluates what such a process left behind).
/// </summary>
internal sealed class DetectionOutboxRow
{
    public required string TenantId { get; set; }

    /// <summary>The batch's id (a UUIDv7 made at ingest).</summary>
    public Guid Id { get; set; }

    /// <summary>When the batch was stored (the events' <c>received_at</c>).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>How many events the batch stored.</summary>
    public int EventCount { get; set; }

    /// <summary>The ids of the events the batch stored: 16 bytes each, see <see cref="DetectionOutbox.EncodeIds"/>.</summary>
    public required byte[] EventIds { get; set; }

    /// <summary>
    /// Set while a sweep of one server instance evaluates the batch, so another sweep leaves it alone; after a failed
    /// evaluation, when the batch may be tried again.
    /// </summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>How many sweeps failed to evaluate the batch: each failure doubles the wait before the next try.</summary>
    public int Attempts { get; set; }
}
