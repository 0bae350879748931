namespace AuditKit.Server.Storage;

/// <summary>A stored event as the window rules read it back; <c>Action</c> is its canonical action.</summary>
internal sealed record StoredRow(
    DateTimeOffset Timestamp,
    Guid Id,
    string Action,
    AuditStatus Status,
    AuditSeverity Severity,
    string? UserId,
    string? IpAddress,
    string? ResourceId,
    bool IsNew);
