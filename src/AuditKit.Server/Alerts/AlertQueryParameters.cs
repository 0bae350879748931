using System.ComponentModel;

namespace AuditKit.Server.Alerts;

/// <summary>The query string of <c>GET /api/v1/alerts</c> as sent; checked by <see cref="AlertQueryParser"/>.</summary>
internal sealed class AlertQueryParameters
{
    [FromQuery(Name = "status"), Description("open, acknowledged, resolved, or unresolved (open or acknowledged).")]
    public string? Status { get; set; }

    [FromQuery(Name = "rule"), Description("brute_force, password_spraying, distributed_attack, compromise_suspect, critical_burst, mass_delete, mass_export, privilege_escalation, new_ip or rate_anomaly.")]
    public string? Rule { get; set; }

    [FromQuery(Name = "severity"), Description("LOW, MEDIUM, HIGH or CRITICAL (any case).")]
    public string? Severity { get; set; }

    [FromQuery(Name = "key_type"), Description("ip, user or tenant.")]
    public string? KeyType { get; set; }

    [FromQuery(Name = "key"), Description("The exact IP or user id the alert is about.")]
    public string? Key { get; set; }

    [FromQuery(Name = "from_date"), Description("RFC 3339; alerts whose last_seen is at or after it.")]
    public string? FromDate { get; set; }

    [FromQuery(Name = "to_date"), Description("RFC 3339; alerts whose first_seen is before it.")]
    public string? ToDate { get; set; }

    [FromQuery(Name = "from"), Description("Alias of 'from_date'.")]
    public string? From { get; set; }

    [FromQuery(Name = "to"), Description("Alias of 'to_date'.")]
    public string? To { get; set; }

    [FromQuery(Name = "sort"), Description("last_seen (default: most recently active first) or severity (most severe first, then most recently active).")]
    public string? Sort { get; set; }

    [FromQuery(Name = "limit"), Description("Page size, 1 to 1000 (default 50).")]
    public string? Limit { get; set; }

    [FromQuery(Name = "offset"), Description("Alerts to skip.")]
    public string? Offset { get; set; }
}
