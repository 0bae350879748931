namespace AuditKit.Server.Detection;

/// <summary>
/// The fields of a stored event the rules look at: kept small because committed batches wait in memory for
/// evaluation. <see cref="Action"/> is the canonical action (see docs/actions.md), which is what every rule reads.
/// </summary>
internal sealed record DetectionEvent(
    Guid Id,
    DateTimeOffset Timestamp,
    string Action,
    AuditStatus Status,
    AuditSeverity Severity,
    string? UserId,
    string? IpAddress,
    string? ResourceType,
    string? ResourceId)
{
    /// <summary>The fields of a stored event (timestamp already at the stored, microsecond precision).</summary>
    public static DetectionEvent From(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return new(
            auditEvent.Id,
            auditEvent.Timestamp,
            auditEvent.ActionCanonical ?? auditEvent.Action,
            auditEvent.Status,
            auditEvent.Severity,
            Blank(auditEvent.UserId),
            Blank(auditEvent.IpAddress),
            auditEvent.ResourceType,
            Blank(auditEvent.ResourceId));
    }

    /// <summary>The fields as read back from the store (<see cref="Storage.StoredEventFactory{T}"/>), blank values as none, as <see cref="From"/> reads them.</summary>
    public static DetectionEvent FromStored(
        Guid id, DateTimeOffset timestamp, string action, AuditStatus status, AuditSeverity severity,
        string? userId, string? ipAddress, string? resourceType, string? resourceId) =>
        new(id, timestamp, action, status, severity, Blank(userId), Blank(ipAddress), resourceType, Blank(resourceId));

    /// <summary>A failed sign-in: <c>LOGIN_FAILED</c>, or <c>LOGIN</c> with status FAILURE (how older clients report it).</summary>
    public bool IsFailedLogin => DetectionPredicates.IsFailedLogin(Action, Status);

    /// <summary>A successful sign-in: <c>LOGIN</c> with status SUCCESS.</summary>
    public bool IsSuccessfulLogin => Action == AuditActions.Login && Status == AuditStatus.Success;

    /// <summary>The user a role or permission was granted to, when this is such a grant; see <see cref="DetectionPredicates.Grantee"/>.</summary>
    public string? Grantee => DetectionPredicates.Grantee(Action, ResourceType, ResourceId);

    /// <summary>A blank value as no value, as the rules treat it.</summary>
    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
