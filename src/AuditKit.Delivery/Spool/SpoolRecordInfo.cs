namespace AuditKit.Delivery.Spool;

/// <summary>Where a valid record sits in its segment and how many events it holds.</summary>
internal readonly record struct SpoolRecordInfo(long Offset, int Length, int Events);
