namespace AuditKit;

/// <summary>
/// The wire names of an event's fields: one definition for the source-generated <see cref="AuditJsonContext"/> (through
/// <c>[JsonPropertyName]</c>), the server's reader of ingested events and the field of every validation error, so the
/// two sides of the contract cannot drift apart.
/// </summary>
public static class AuditEventFields
{
#pragma warning disable CS1591 // The names are the documentation.
    public const string Id = "id";
    public const string Timestamp = "timestamp";
    public const string ReceivedAt = "received_at";
    public const string TenantId = "tenant_id";
    public const string Source = "source";
    public const string Action = "action";
    public const string ActionCanonical = "action_canonical";
    public const string Category = "category";
    public const string ResourceType = "resource_type";
    public const string ResourceId = "resource_id";
    public const string ResourceName = "resource_name";
    public const string UserId = "user_id";
    public const string Username = "username";
    public const string UserEmail = "user_email";
    public const string Status = "status";
    public const string Severity = "severity";
    public const string ServiceName = "service_name";
    public const string ServiceVersion = "service_version";
    public const string Method = "method";
    public const string Path = "path";
    public const string Route = "route";
    public const string Query = "query";
    public const string StatusCode = "status_code";
    public const string DurationMs = "duration_ms";
    public const string IpAddress = "ip_address";
    public const string UserAgent = "user_agent";
    public const string RequestId = "request_id";
    public const string TraceId = "trace_id";
    public const string SessionId = "session_id";
    public const string Description = "description";
    public const string ErrorCode = "error_code";
    public const string ErrorMessage = "error_message";
    public const string Changes = "changes";
    public const string OldValues = "old_values";
    public const string NewValues = "new_values";
    public const string Metadata = "metadata";
    public const string Tags = "tags";
    public const string DataClassification = "data_classification";
    public const string StackTrace = "stack_trace";

    public const string ChangeProperty = "property";
    public const string ChangeOld = "old";
    public const string ChangeNew = "new";
#pragma warning restore CS1591

    /// <summary>The name older clients send for <see cref="Category"/>; read on ingest, never written.</summary>
    public const string LegacyLogType = "log_type";

    /// <summary>The name older clients send for <see cref="ResourceType"/>; read on ingest, never written.</summary>
    public const string LegacyEntityType = "entity_type";

    /// <summary>The name older clients send for <see cref="ResourceId"/>; read on ingest, never written.</summary>
    public const string LegacyEntityId = "entity_id";
}
