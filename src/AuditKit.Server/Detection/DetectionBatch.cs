namespace AuditKit.Server.Detection;

/// <summary>The newly stored events of one committed insert, waiting for evaluation.</summary>
/// <param name="TenantId">Their tenant.</param>
/// <param name="Id">The batch's row in <c>detection_outbox</c>, written with the events.</param>
/// <param name="Events">The events that were new (duplicates are never evaluated twice).</param>
/// <param name="EnqueuedAt">When the batch was committed (<see cref="System.Diagnostics.Stopwatch"/> ticks), for the lag metric.</param>
internal sealed record DetectionBatch(string TenantId, Guid Id, IReadOnlyList<DetectionEvent> Events, long EnqueuedAt);
