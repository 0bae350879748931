namespace AuditKit.Server.Alerts;

/// <summary>The answer of <c>GET /api/v1/audit-logs/suspicious-activity</c>: unresolved alerts and the current patterns.</summary>
/// <param name="From">Start of the period the patterns cover (inclusive).</param>
/// <param name="To">End of the period (exclusive).</param>
/// <param name="OpenAlerts">Unresolved (open or acknowledged) alerts, most recently active first.</param>
/// <param name="OpenAlertCount">How many unresolved alerts there are in all.</param>
/// <param name="Patterns">Keys whose failed logins, CRITICAL events, deletes or exports in the period reach the rules' thresholds.</param>
internal sealed record SuspiciousActivityResponse(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<AlertResponse> OpenAlerts,
    long OpenAlertCount,
    IReadOnlyList<SuspiciousPattern> Patterns);
