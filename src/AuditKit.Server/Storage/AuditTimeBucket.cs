namespace AuditKit.Server.Storage;

/// <summary>The width of the time buckets of a summary; buckets start on whole UTC hours or days.</summary>
internal enum AuditTimeBucket
{
    Hour = 0,
    Day = 1,
}
