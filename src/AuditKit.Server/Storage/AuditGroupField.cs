namespace AuditKit.Server.Storage;

/// <summary>What <see cref="IAuditEventStore.GroupAsync"/> groups events by.</summary>
internal enum AuditGroupField
{
    IpAddress = 0,
    UserId = 1,
}
