namespace AuditKit.Server.Storage;

/// <summary>The fields of a stored event that detection looks at, as stored (see <see cref="DetectionOutbox.ReadEventsAsync"/>).</summary>
internal sealed record StoredEvent(
    Guid Id,
    DateTimeOffset Timestamp,
    string Action,
    AuditStatus Status,
    AuditSeverity Severity,
    string? UserId,
    string? IpAddress,
    string? ResourceType,
    string? ResourceId);
