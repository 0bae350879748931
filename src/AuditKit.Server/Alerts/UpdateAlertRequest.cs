namespace AuditKit.Server.Alerts;

/// <summary>The body of <c>PATCH /api/v1/alerts/{id}</c>.</summary>
/// <param name="Status"><c>acknowledged</c> or <c>resolved</c>.</param>
/// <param name="Note">Why: what was found or done (at most 2000 characters).</param>
internal sealed record UpdateAlertRequest(string? Status, string? Note);
