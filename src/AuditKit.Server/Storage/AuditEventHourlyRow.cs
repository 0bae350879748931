namespace AuditKit.Server.Storage;

/// <summary>
/// One row of <c>audit_event_hourly</c>: how many of a tenant's stored events fall in one UTC hour with one
/// combination of action, severity, status and service. The database keeps it (triggers on <c>audit_events</c>), so
/// it counts exactly the rows stored: see <see cref="AuditDbContext.HourlyTable"/>.
/// </summary>
internal sealed class AuditEventHourlyRow
{
    public required string TenantId { get; set; }

    /// <summary>The start of the UTC hour.</summary>
    public DateTimeOffset Hour { get; set; }

    public required string Action { get; set; }
    public AuditSeverity Severity { get; set; }
    public AuditStatus Status { get; set; }
    public string? ServiceName { get; set; }
    public long EventCount { get; set; }
}
