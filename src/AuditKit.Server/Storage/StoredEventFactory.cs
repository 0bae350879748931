namespace AuditKit.Server.Storage;

/// <summary>
/// Makes the caller's value of a stored event from the fields detection looks at, as stored (see
/// <see cref="DetectionOutbox.ReadEventsAsync"/>): the rules keep their own event type, read straight from the row.
/// </summary>
internal delegate T StoredEventFactory<out T>(
    Guid id, DateTimeOffset timestamp, string action, AuditStatus status, AuditSeverity severity,
    string? userId, string? ipAddress, string? resourceType, string? resourceId);
