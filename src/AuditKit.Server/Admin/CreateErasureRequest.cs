namespace AuditKit.Server.Admin;

/// <summary>The body of <c>POST /api/v1/admin/tenants/{id}/erasures</c>.</summary>
/// <param name="UserId">The <c>user_id</c> whose personal values are erased from every event of the tenant.</param>
internal sealed record CreateErasureRequest(string? UserId);
