namespace AuditKit.Server.Detection;

/// <summary>
/// Window state of the rate-anomaly rule: how many events a user had in one UTC minute (minutes since 1970-01-01).
/// Every stored event adds to exactly one row, once, so the counts do not depend on how batches were grouped.
/// </summary>
internal sealed class UserMinuteRow
{
    public required string TenantId { get; set; }
    public required string UserId { get; set; }
    public long Minute { get; set; }
    public int EventCount { get; set; }
}
