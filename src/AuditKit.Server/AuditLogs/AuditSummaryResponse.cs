using System.Diagnostics.CodeAnalysis;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// The answer of <c>GET /api/v1/audit-logs/summary</c>: the range and bucket width used, then the store's
/// <see cref="AuditSummary"/> as it is (the total, counts by action, severity, status and service, the most active
/// users and IPs, and every time bucket of the range).
/// </summary>
internal sealed record AuditSummaryResponse : AuditSummary
{
    /// <summary>For deserialization (clients and tests read the answer back).</summary>
    public AuditSummaryResponse()
    {
    }

    [SetsRequiredMembers]
    private AuditSummaryResponse(AuditSummary summary, DateTimeOffset from, DateTimeOffset to, string bucket)
        : base(summary)
    {
        From = from;
        To = to;
        Bucket = bucket;
    }

    /// <summary>Start of the range (inclusive).</summary>
    [JsonPropertyOrder(-1)]
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the range (exclusive).</summary>
    [JsonPropertyOrder(-1)]
    public required DateTimeOffset To { get; init; }

    /// <summary><c>hour</c> or <c>day</c>.</summary>
    [JsonPropertyOrder(-1)]
    public required string Bucket { get; init; }

    public static AuditSummaryResponse Create(AuditSummary summary, DateTimeOffset from, DateTimeOffset to, AuditTimeBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new AuditSummaryResponse(summary, from, to, bucket == AuditTimeBucket.Day ? "day" : "hour");
    }
}
