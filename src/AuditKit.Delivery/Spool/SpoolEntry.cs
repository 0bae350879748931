namespace AuditKit.Delivery.Spool;

/// <summary>A spooled batch being replayed: where it is, so it can be acknowledged once the server took it.</summary>
internal sealed record SpoolEntry(SpoolSegment Segment, int Index, AuditBatch Batch);
