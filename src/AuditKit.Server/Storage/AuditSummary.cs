namespace AuditKit.Server.Storage;

/// <summary>
/// Counts of a tenant's events matching a filter over a time range: in all, by action, severity, status and
/// service, the most active users and IP addresses, and per time bucket (every bucket of the range, empty ones
/// included, oldest first). Each list is ordered by count, most first, ties by key. Not sealed: the summary
/// endpoint answers it as it is, with the range and bucket width on top (<c>AuditSummaryResponse</c>).
/// </summary>
internal record AuditSummary
{
    public required long Total { get; init; }
    public required IReadOnlyList<AuditCount> ByAction { get; init; }
    public required IReadOnlyList<AuditCount> BySeverity { get; init; }
    public required IReadOnlyList<AuditCount> ByStatus { get; init; }
    public required IReadOnlyList<AuditCount> ByService { get; init; }
    public required IReadOnlyList<AuditCount> TopUsers { get; init; }

    /// <summary>The most active IP addresses.</summary>
    public required IReadOnlyList<AuditCount> TopIps { get; init; }

    /// <summary>Every time bucket of the range, oldest first.</summary>
    public required IReadOnlyList<AuditBucketCount> TimeBuckets { get; init; }
}
