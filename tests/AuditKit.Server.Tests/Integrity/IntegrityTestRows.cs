using System.Text.Json;
using AuditKit.Server.Storage;

namespace AuditKit.Server.Tests.Integrity;

/// <summary>Rows for the canonical form tests.</summary>
internal static class IntegrityTestRows
{
    public static AuditEventRow Row(long seq) => new()
    {
        TenantId = "acme",
        Id = Guid.CreateVersion7(),
        Seq = seq,
        Timestamp = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero),
        ReceivedAt = new DateTimeOffset(2026, 3, 2, 8, 0, 1, TimeSpan.Zero),
        Source = "http",
        Action = "READ",
        Salt = new byte[16],
    };

    /// <summary>A row from a vector's <c>event</c>: the stored fields by wire name, JSON fields as their stored text.</summary>
    public static AuditEventRow FromVector(JsonElement e) => new()
    {
        TenantId = e.GetProperty("tenant_id").GetString()!,
        Id = e.GetProperty("id").GetGuid(),
        Seq = e.GetProperty("seq").GetInt64(),
        Timestamp = e.GetProperty("timestamp").GetDateTimeOffset(),
        ReceivedAt = e.GetProperty("received_at").GetDateTimeOffset(),
        Source = e.GetProperty("source").GetString()!,
        Action = e.GetProperty("action").GetString()!,
        Category = Text(e, "category"),
        ResourceType = Text(e, "resource_type"),
        ResourceId = Text(e, "resource_id"),
        ResourceName = Text(e, "resource_name"),
        UserId = Text(e, "user_id"),
        Username = Text(e, "username"),
        UserEmail = Text(e, "user_email"),
        Status = Enum.Parse<AuditStatus>(e.GetProperty("status").GetString()!, ignoreCase: true),
        Severity = Enum.Parse<AuditSeverity>(e.GetProperty("severity").GetString()!, ignoreCase: true),
        ServiceName = Text(e, "service_name"),
        ServiceVersion = Text(e, "service_version"),
        Method = Text(e, "method"),
        Path = Text(e, "path"),
        Route = Text(e, "route"),
        Query = Text(e, "query"),
        StatusCode = e.TryGetProperty("status_code", out var code) ? code.GetInt32() : null,
        DurationMs = e.TryGetProperty("duration_ms", out var duration) ? duration.GetDouble() : null,
        IpAddress = Text(e, "ip_address"),
        UserAgent = Text(e, "user_agent"),
        RequestId = Text(e, "request_id"),
        TraceId = Text(e, "trace_id"),
        SessionId = Text(e, "session_id"),
        Description = Text(e, "description"),
        ErrorCode = Text(e, "error_code"),
        ErrorMessage = Text(e, "error_message"),
        Changes = Text(e, "changes"),
        OldValues = Text(e, "old_values"),
        NewValues = Text(e, "new_values"),
        Metadata = Text(e, "metadata"),
        Tags = Text(e, "tags"),
        DataClassification = Text(e, "data_classification"),
        StackTrace = Text(e, "stack_trace"),
        Salt = Text(e, "salt") is { } salt ? Convert.FromHexString(salt) : null,
        PersonalDigests = Text(e, "personal_digests") is { } digests ? Convert.FromHexString(digests) : null,
    };

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
