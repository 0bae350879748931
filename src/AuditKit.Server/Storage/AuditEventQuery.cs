namespace AuditKit.Server.Storage;

/// <summary>
/// Filters, order and paging of a list query. All string filters are exact matches except <see cref="Search"/>
/// (full text over description, resource_name, error_message and path). Dates are inclusive of
/// <see cref="From"/> and exclusive of <see cref="To"/>.
/// </summary>
internal sealed record AuditEventQuery
{
    public string? Action { get; init; }
    public string? Category { get; init; }
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? UserId { get; init; }
    public AuditStatus? Status { get; init; }
    public AuditSeverity? Severity { get; init; }
    public string? IpAddress { get; init; }
    public string? ServiceName { get; init; }
    public string? Source { get; init; }
    public string? TraceId { get; init; }
    public string? Search { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }

    /// <summary>
    /// Only failed authentication: <c>LOGIN_FAILED</c> events, and <c>LOGIN</c> events whose status is FAILURE.
    /// </summary>
    public bool FailedAuthentication { get; init; }

    /// <summary>Page size, 1..1000.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Rows to skip (offset paging). Ignored when <see cref="Cursor"/> is set.</summary>
    public int Offset { get; init; }

    public AuditSortField SortBy { get; init; } = AuditSortField.Timestamp;

    public bool Descending { get; init; } = true;

    /// <summary>
    /// Keyset position: continue after this (sort value, id). Stable while inserts happen between pages. The cursor
    /// carries the order it was made in, which then wins over <see cref="SortBy"/> and <see cref="Descending"/>.
    /// </summary>
    public AuditCursor? Cursor { get; init; }

    /// <summary>Whether <see cref="AuditEventPage.Total"/> must be computed (it costs a count over the filter).</summary>
    public bool IncludeTotal { get; init; } = true;

    /// <summary>
    /// Counting stops after this many matches (then <see cref="AuditEventPage.TotalIsExact"/> is false), so a
    /// broad filter over millions of events costs a bounded count; null counts every match.
    /// </summary>
    public long? TotalCap { get; init; }
}
