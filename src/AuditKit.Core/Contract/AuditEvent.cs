using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AuditKit;

/// <summary>
/// One audit event: the single wire shape every source (HTTP middleware, EF Core interceptor, bulk commands and
/// explicit business events) sends to the AuditKit server. Serialized as snake_case JSON by
/// <see cref="AuditJsonContext"/>.
/// </summary>
/// <remarks>
/// The <see cref="Id"/> is a UUIDv7 made by the client, so a retried delivery is recognised by the server as a
/// duplicate and ids sort by creation time. Sensitive values are masked by the client before an event is handed to
/// an <see cref="IAuditSink"/>; nothing in an event should ever hold a secret.
/// </remarks>
public sealed class AuditEvent
{
    /// <summary>Client-made UUIDv7; the server deduplicates on (tenant, id).</summary>
    [JsonPropertyName(AuditEventFields.Id)]
    public Guid Id { get; set; }

    /// <summary>When it happened, in UTC, by the emitting process's clock.</summary>
    [JsonPropertyName(AuditEventFields.Timestamp)]
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>When the server received it; set by the server, ignored on ingest.</summary>
    [JsonPropertyName(AuditEventFields.ReceivedAt)]
    public DateTimeOffset? ReceivedAt { get; set; }

    /// <summary>The tenant. Taken from the API key at the server; a multi-tenant key may set it within its allowed tenants.</summary>
    [JsonPropertyName(AuditEventFields.TenantId)]
    public string? TenantId { get; set; }

    /// <summary>Where the event came from: one of <see cref="AuditSources"/>.</summary>
    [JsonPropertyName(AuditEventFields.Source)]
    public string Source { get; set; } = AuditSources.Manual;

    /// <summary>What happened, in UPPER_SNAKE_CASE; see <see cref="AuditActions"/> for the well-known values.</summary>
    [JsonPropertyName(AuditEventFields.Action)]
    public string Action { get; set; } = string.Empty;

    /// <summary>
    /// The action in the server's vocabulary (<c>login_success</c> and <c>auth.login_failed</c> become <c>LOGIN</c> and
    /// <c>LOGIN_FAILED</c>); set by the server, ignored on ingest. <see cref="Action"/> keeps what the client sent.
    /// </summary>
    [JsonPropertyName(AuditEventFields.ActionCanonical)]
    public string? ActionCanonical { get; set; }

    /// <summary>A free label grouping events (the <c>log_type</c> of older clients, e.g. <c>leave_request</c>).</summary>
    [JsonPropertyName(AuditEventFields.Category)]
    public string? Category { get; set; }

    /// <summary>The kind of thing acted on (for EF Core events, the entity type name).</summary>
    [JsonPropertyName(AuditEventFields.ResourceType)]
    public string? ResourceType { get; set; }

    /// <summary>The identity of the thing acted on (for EF Core events, the primary key).</summary>
    [JsonPropertyName(AuditEventFields.ResourceId)]
    public string? ResourceId { get; set; }

    /// <summary>A human-readable name of the thing acted on.</summary>
    [JsonPropertyName(AuditEventFields.ResourceName)]
    public string? ResourceName { get; set; }

    /// <summary>Who acted; <see langword="null"/> for anonymous callers.</summary>
    [JsonPropertyName(AuditEventFields.UserId)]
    public string? UserId { get; set; }

    /// <summary>The acting user's name.</summary>
    [JsonPropertyName(AuditEventFields.Username)]
    public string? Username { get; set; }

    /// <summary>The acting user's e-mail address.</summary>
    [JsonPropertyName(AuditEventFields.UserEmail)]
    public string? UserEmail { get; set; }

    /// <summary>The outcome.</summary>
    [JsonPropertyName(AuditEventFields.Status)]
    public AuditStatus Status { get; set; } = AuditStatus.Success;

    /// <summary>How much it matters to security staff.</summary>
    [JsonPropertyName(AuditEventFields.Severity)]
    public AuditSeverity Severity { get; set; } = AuditSeverity.Low;

    /// <summary>The emitting application.</summary>
    [JsonPropertyName(AuditEventFields.ServiceName)]
    public string? ServiceName { get; set; }

    /// <summary>The emitting application's version.</summary>
    [JsonPropertyName(AuditEventFields.ServiceVersion)]
    public string? ServiceVersion { get; set; }

    /// <summary>HTTP method, when the event comes from a request.</summary>
    [JsonPropertyName(AuditEventFields.Method)]
    public string? Method { get; set; }

    /// <summary>Request path, without the query string.</summary>
    [JsonPropertyName(AuditEventFields.Path)]
    public string? Path { get; set; }

    /// <summary>The matched route template, e.g. <c>/api/customers/{id}</c>.</summary>
    [JsonPropertyName(AuditEventFields.Route)]
    public string? Route { get; set; }

    /// <summary>The query string, with sensitive keys already masked.</summary>
    [JsonPropertyName(AuditEventFields.Query)]
    public string? Query { get; set; }

    /// <summary>HTTP response status code.</summary>
    [JsonPropertyName(AuditEventFields.StatusCode)]
    public int? StatusCode { get; set; }

    /// <summary>How long the operation took, in milliseconds.</summary>
    [JsonPropertyName(AuditEventFields.DurationMs)]
    public double? DurationMs { get; set; }

    /// <summary>The client's IP address (the connection's, or the one ASP.NET Core's forwarded-headers middleware trusted).</summary>
    [JsonPropertyName(AuditEventFields.IpAddress)]
    public string? IpAddress { get; set; }

    /// <summary>The client's user agent, bounded in length.</summary>
    [JsonPropertyName(AuditEventFields.UserAgent)]
    public string? UserAgent { get; set; }

    /// <summary>The request id (ASP.NET Core's <c>TraceIdentifier</c> or an <c>X-Request-Id</c>).</summary>
    [JsonPropertyName(AuditEventFields.RequestId)]
    public string? RequestId { get; set; }

    /// <summary>W3C trace id; links an HTTP event to the EF Core events of the same request.</summary>
    [JsonPropertyName(AuditEventFields.TraceId)]
    public string? TraceId { get; set; }

    /// <summary>The user's session id, when the application has one.</summary>
    [JsonPropertyName(AuditEventFields.SessionId)]
    public string? SessionId { get; set; }

    /// <summary>Human-readable text.</summary>
    [JsonPropertyName(AuditEventFields.Description)]
    public string? Description { get; set; }

    /// <summary>A machine-readable error code for failures.</summary>
    [JsonPropertyName(AuditEventFields.ErrorCode)]
    public string? ErrorCode { get; set; }

    /// <summary>Error details for failures.</summary>
    [JsonPropertyName(AuditEventFields.ErrorMessage)]
    public string? ErrorMessage { get; set; }

    /// <summary>Only the properties whose value really changed, masked.</summary>
    [JsonPropertyName(AuditEventFields.Changes)]
    public IList<AuditChange>? Changes { get; set; }

    /// <summary>The values before the change (a JSON object), masked.</summary>
    [JsonPropertyName(AuditEventFields.OldValues)]
    public JsonObject? OldValues { get; set; }

    /// <summary>The values after the change (a JSON object), masked.</summary>
    [JsonPropertyName(AuditEventFields.NewValues)]
    public JsonObject? NewValues { get; set; }

    /// <summary>Free-form context as a JSON object.</summary>
    [JsonPropertyName(AuditEventFields.Metadata)]
    public JsonObject? Metadata { get; set; }

    /// <summary>Labels such as <c>SOX</c> or <c>GDPR</c>.</summary>
    [JsonPropertyName(AuditEventFields.Tags)]
    public IList<string>? Tags { get; set; }

    /// <summary>The classification of the data involved, e.g. <c>internal</c>, <c>confidential</c>.</summary>
    [JsonPropertyName(AuditEventFields.DataClassification)]
    public string? DataClassification { get; set; }

    /// <summary>The stack trace of a failure, as text.</summary>
    [JsonPropertyName(AuditEventFields.StackTrace)]
    public string? StackTrace { get; set; }
}
