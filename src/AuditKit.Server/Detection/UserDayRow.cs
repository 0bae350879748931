namespace AuditKit.Server.Detection;

/// <summary>Window state of the new-IP rule: a UTC day (days since 1970-01-01) on which a user had events.</summary>
internal sealed class UserDayRow
{
    public required string TenantId { get; set; }
    public required string UserId { get; set; }
    public int Day { get; set; }
}
