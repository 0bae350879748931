namespace AuditKit.Server.Admin;

/// <summary>The body of <c>POST /api/v1/admin/tenants/{id}/keys</c>.</summary>
/// <param name="Role"><c>ingest</c>, <c>read</c> or <c>admin</c>.</param>
/// <param name="Name">An optional label, e.g. the application that will use the key.</param>
/// <param name="AllowedTenants">
/// For ingest keys only, and only by the bootstrap admin key: further existing tenants the key may write events for
/// (by setting <c>tenant_id</c> on an event).
/// </param>
internal sealed record CreateApiKeyRequest(string? Role, string? Name, IReadOnlyList<string>? AllowedTenants);
