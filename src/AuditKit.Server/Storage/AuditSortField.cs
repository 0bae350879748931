namespace AuditKit.Server.Storage;

/// <summary>The fields a list can be ordered by (<c>sort_by</c>); ties are always broken by id.</summary>
internal enum AuditSortField
{
    Timestamp = 0,
    ReceivedAt = 1,
    Severity = 2,
    Action = 3,
    UserId = 4,
    ResourceType = 5,
    StatusCode = 6,
    DurationMs = 7,
}
