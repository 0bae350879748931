namespace AuditKit.Server.Storage;

/// <summary>How many events fall in the time bucket starting at <see cref="Start"/> (UTC).</summary>
internal sealed record AuditBucketCount(DateTimeOffset Start, long Count);
