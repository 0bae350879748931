using AuditKit.Server.Storage;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// The answer of <c>GET /api/v1/audit-logs/summary</c>: the range and bucket width used, the total, counts by
/// action, severity, status and service, the most active users and IPs, and every time bucket of the range.
/// </summary>
internal sealed record AuditSummaryResponse
{
    /// <summary>Start of the range (inclusive).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the range (exclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary><c>hour</c> or <c>day</c>.</summary>
    public required string Bucket { get; init; }

    public required long Total { get; init; }
    public required IReadOnlyList<AuditCount> ByAction { get; init; }
    public required IReadOnlyList<AuditCount> BySeverity { get; init; }
    public required IReadOnlyList<AuditCount> ByStatus { get; init; }
    public required IReadOnlyList<AuditCount> ByService { get; init; }
    public required IReadOnlyList<AuditCount> TopUsers { get; init; }
    public required IReadOnlyList<AuditCount> TopIps { get; init; }
    public required IReadOnlyList<AuditBucketCount> TimeBuckets { get; init; }

    public static AuditSummaryResponse Create(AuditSummary summary, DateTimeOffset from, DateTimeOffset to, AuditTimeBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new AuditSummaryResponse
        {
            From = from,
            To = to,
            Bucket = bucket == AuditTimeBucket.Day ? "day" : "hour",
            Total = summary.Total,
            ByAction = summary.ByAction,
            BySeverity = summary.BySeverity,
            ByStatus = summary.ByStatus,
            ByService = summary.ByService,
            TopUsers = summary.TopUsers,
            TopIps = summary.TopIpAddresses,
            TimeBuckets = summary.Buckets,
        };
    }
}
