namespace AuditKit.Server.Admin;

/// <summary>
/// What an action of the server's API did, as the audit event recording it says it (see
/// <see cref="AdminAuditRecorder.RecordAsync"/>): what was done to which resource, the answer's status, how severe it is
/// and the values before and after.
/// </summary>
internal sealed record AdminAction(
    string Action,
    int StatusCode,
    string ResourceType,
    string ResourceId,
    string ResourceName,
    AuditSeverity Severity,
    string Description)
{
    /// <summary>The event's category: <see cref="AdminAuditRecorder.Category"/> unless the action is of another kind.</summary>
    public string Category { get; init; } = AdminAuditRecorder.Category;

    /// <summary>The event's status: <see cref="AuditStatus.Success"/> unless the action records a refusal (a failed sign-in).</summary>
    public AuditStatus Status { get; init; } = AuditStatus.Success;

    public JsonObject? OldValues { get; init; }

    public JsonObject? NewValues { get; init; }

    /// <summary>What else the record says: for a read, which key read what with which filter and how many rows.</summary>
    public JsonObject? Metadata { get; init; }
}
