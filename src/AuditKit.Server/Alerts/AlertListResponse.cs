namespace AuditKit.Server.Alerts;

/// <summary>One page of alerts: <c>{ "items", "total", "limit", "offset" }</c>, most recently active first.</summary>
internal sealed record AlertListResponse(IReadOnlyList<AlertResponse> Items, long Total, int Limit, int Offset);
