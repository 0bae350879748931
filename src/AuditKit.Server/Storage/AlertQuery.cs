namespace AuditKit.Server.Storage;

/// <summary>A checked alert list query.</summary>
internal sealed record AlertQuery
{
    public AlertStatus? Status { get; init; }

    /// <summary>Unresolved only (open or acknowledged).</summary>
    public bool UnresolvedOnly { get; init; }

    public string? Rule { get; init; }
    public AuditSeverity? Severity { get; init; }
    public string? KeyType { get; init; }
    public string? Key { get; init; }

    /// <summary>Alerts active at or after this time (last_seen at or after it).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Alerts active before this time (first_seen before it).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Most severe first, then most recently active (otherwise most recently active first).</summary>
    public bool SeverityFirst { get; init; }

    public int Limit { get; init; } = 50;
    public int Offset { get; init; }
}
