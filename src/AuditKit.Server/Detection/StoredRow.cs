namespace AuditKit.Server.Detection;

/// <summary>A stored event as the window rules read it back.</summary>
internal sealed record StoredRow(
    DateTimeOffset Timestamp,
    Guid Id,
    string Action,
    AuditStatus Status,
    AuditSeverity Severity,
    string? UserId,
    string? IpAddress,
    string? ResourceId,
    bool IsNew)
{
    public WindowEvent ToWindow(string? value = null) => new(Timestamp, Id, value, IsNew);
}
