namespace AuditKit.Server.Storage;

/// <summary>
/// Filters, order and paging of a list query. Every <see cref="AnyOf{T}"/> filter is an exact match on any of its
/// values (none given: no filter); different filters must all match. <see cref="Search"/> is full text over
/// description, resource_name, error_message and path. Dates are inclusive of <see cref="From"/> and exclusive of
/// <see cref="To"/>.
/// </summary>
internal sealed record AuditEventQuery
{
    public AnyOf<string> Action { get; init; }

    /// <summary>The canonical action (docs/actions.md): <c>LOGIN_FAILED</c> also finds a stored <c>auth.login_failed</c>.</summary>
    public AnyOf<string> ActionCanonical { get; init; }
    public AnyOf<string> Category { get; init; }
    public AnyOf<string> ResourceType { get; init; }
    public AnyOf<string> ResourceId { get; init; }
    public AnyOf<string> UserId { get; init; }
    public AnyOf<string> Username { get; init; }
    public AnyOf<AuditStatus> Status { get; init; }
    public AnyOf<AuditSeverity> Severity { get; init; }
    public AnyOf<string> IpAddress { get; init; }
    public AnyOf<string> ServiceName { get; init; }
    public AnyOf<string> Source { get; init; }
    public AnyOf<string> TraceId { get; init; }
    public AnyOf<string> RequestId { get; init; }
    public AnyOf<string> SessionId { get; init; }
    public AnyOf<string> DataClassification { get; init; }

    /// <summary>Events carrying at least one of these tags.</summary>
    public AnyOf<string> Tags { get; init; }

    /// <summary>
    /// Events whose metadata holds every one of these top-level (key, value) pairs. A value matches a JSON string
    /// equal to it, or the JSON number, true, false or null it spells.
    /// </summary>
    public AnyOf<KeyValuePair<string, string>> Metadata { get; init; }

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
