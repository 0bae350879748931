namespace AuditKit.Server.Detection;

/// <summary>
/// Window state of the new-IP rule: the first time (event time) a user was seen from an IP, and that event's id.
/// One row per tenant, user and IP, so "is this IP new for this user" is one key lookup.
/// </summary>
internal sealed class UserIpRow
{
    public required string TenantId { get; set; }
    public required string UserId { get; set; }
    public required string IpAddress { get; set; }
    public DateTimeOffset FirstSeen { get; set; }
    public Guid FirstEventId { get; set; }
}
