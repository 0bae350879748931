using System.ComponentModel;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// The query string of <c>GET /api/v1/audit-logs</c> as sent. Every value is bound as text and checked by
/// <see cref="AuditQueryParser"/>, so a bad value is answered with a problem naming the parameter rather than a
/// binding failure. A repeated parameter binds as its values joined by commas, so <c>severity=HIGH&amp;severity=CRITICAL</c>
/// reads as <c>severity=HIGH,CRITICAL</c>.
/// </summary>
internal sealed class AuditLogQueryParameters
{
    [FromQuery(Name = "action"), Description("Exact action, e.g. LOGIN_FAILED (normalized like ingested actions: 'login-failed' works too). Several: comma-separated or repeated, any matches.")]
    public string? Action { get; set; }

    [FromQuery(Name = "action_canonical"), Description("Canonical action (docs/actions.md), e.g. LOGIN_FAILED, which also finds events stored as auth.login_failed or login_failed. Several: comma-separated or repeated.")]
    public string? ActionCanonical { get; set; }

    [FromQuery(Name = "resource"), Description("Exact resource type, e.g. Customer. Several: comma-separated or repeated.")]
    public string? Resource { get; set; }

    [FromQuery(Name = "resource_type"), Description("Alias of 'resource'.")]
    public string? ResourceType { get; set; }

    [FromQuery(Name = "resource_id"), Description("Exact resource id. Several: comma-separated or repeated.")]
    public string? ResourceId { get; set; }

    [FromQuery(Name = "user_id"), Description("Exact user id. Several: comma-separated or repeated.")]
    public string? UserId { get; set; }

    [FromQuery(Name = "status"), Description("SUCCESS, FAILURE or PENDING (any case). Several: comma-separated or repeated, e.g. FAILURE,PENDING.")]
    public string? Status { get; set; }

    [FromQuery(Name = "severity"), Description("LOW, MEDIUM, HIGH or CRITICAL (any case). Several: comma-separated or repeated, e.g. HIGH,CRITICAL.")]
    public string? Severity { get; set; }

    [FromQuery(Name = "ip_address"), Description("Exact client IP address. Several: comma-separated or repeated.")]
    public string? IpAddress { get; set; }

    [FromQuery(Name = "service_name"), Description("Exact emitting service name. Several: comma-separated or repeated, e.g. billing,shop.")]
    public string? ServiceName { get; set; }

    [FromQuery(Name = "category"), Description("Exact category (the older clients' log_type). Several: comma-separated or repeated.")]
    public string? Category { get; set; }

    [FromQuery(Name = "log_type"), Description("Alias of 'category'.")]
    public string? LogType { get; set; }

    [FromQuery(Name = "source"), Description("http, efcore, bulk, manual or server (the server's own records). Several: comma-separated or repeated.")]
    public string? Source { get; set; }

    [FromQuery(Name = "trace_id"), Description("W3C trace id: every event of one request. Several: comma-separated or repeated.")]
    public string? TraceId { get; set; }

    [FromQuery(Name = "username"), Description("Exact username. Several: comma-separated or repeated.")]
    public string? Username { get; set; }

    [FromQuery(Name = "request_id"), Description("Exact request id. Several: comma-separated or repeated.")]
    public string? RequestId { get; set; }

    [FromQuery(Name = "session_id"), Description("Exact session id. Several: comma-separated or repeated.")]
    public string? SessionId { get; set; }

    [FromQuery(Name = "data_classification"), Description("Exact data classification, e.g. confidential. Several: comma-separated or repeated.")]
    public string? DataClassification { get; set; }

    [FromQuery(Name = "tags"), Description("Events carrying any of these tags (comma-separated or repeated).")]
    public string? Tags { get; set; }

    [FromQuery(Name = "search"), Description("Full-text search over description, resource_name, error_message and path.")]
    public string? Search { get; set; }

    [FromQuery(Name = "from_date"), Description("RFC 3339; events at or after this time.")]
    public string? FromDate { get; set; }

    [FromQuery(Name = "to_date"), Description("RFC 3339; events before this time.")]
    public string? ToDate { get; set; }

    [FromQuery(Name = "start_date"), Description("Alias of 'from_date'.")]
    public string? StartDate { get; set; }

    [FromQuery(Name = "end_date"), Description("Alias of 'to_date'.")]
    public string? EndDate { get; set; }

    [FromQuery(Name = "time_range"), Description("1h, 24h, 7d, 30d or 90d: events from now minus the range on. Not with from_date / to_date.")]
    public string? TimeRange { get; set; }

    [FromQuery(Name = "limit"), Description("Page size, 1 to 1000 (default 50).")]
    public string? Limit { get; set; }

    [FromQuery(Name = "offset"), Description("Events to skip (offset paging; ignored with 'cursor').")]
    public string? Offset { get; set; }

    [FromQuery(Name = "sort_by"), Description("timestamp (default), received_at, severity, action, user_id, resource_type, status_code or duration_ms.")]
    public string? SortBy { get; set; }

    [FromQuery(Name = "sort_order"), Description("asc or desc (default).")]
    public string? SortOrder { get; set; }

    [FromQuery(Name = "cursor"), Description("The 'next_cursor' of the previous page (keyset paging, stable while events arrive).")]
    public string? Cursor { get; set; }

    [FromQuery(Name = "include_total"), Description("true (default): count 'total' up to AuditKit:TotalCountCap (10000; 'total_exact' says whether it stopped there); exact: count every match; false: no count.")]
    public string? IncludeTotal { get; set; }

    /// <summary>
    /// The request, for the <c>metadata.{key}=value</c> containment filters, whose parameter names are open-ended
    /// (null when parameters are built by hand: no metadata filter).
    /// </summary>
    public HttpRequest? Request { get; set; }

    /// <summary>The clock <c>time_range</c> counts back from (the system clock when null).</summary>
    [FromServices]
    public TimeProvider? Time { get; set; }
}
