namespace AuditKit.Server.Storage;

/// <summary>
/// One row of <c>alerts</c>: a rule that matched for a key (an IP, a user or the tenant), with the span of the
/// matching events, their count and a bounded list of their ids. At most one unresolved alert exists per tenant, rule
/// and key (a partial unique index), so further matches update it instead of raising another.
/// </summary>
internal sealed class AlertRow
{
    public required string TenantId { get; set; }
    public Guid Id { get; set; }
    public required string Rule { get; set; }
    public required string KeyType { get; set; }
    public required string KeyValue { get; set; }
    public AuditSeverity Severity { get; set; }
    public AlertStatus Status { get; set; }
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public long EventCount { get; set; }

    /// <summary>JSON array of event ids, newest first, at most the configured evidence limit.</summary>
    public required string Evidence { get; set; }

    /// <summary>JSON object: the rule's parameters when it last matched.</summary>
    public string? Details { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
    public string? AcknowledgedNote { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }
    public string? ResolvedNote { get; set; }
}
