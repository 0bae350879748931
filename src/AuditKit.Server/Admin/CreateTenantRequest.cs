namespace AuditKit.Server.Admin;

/// <summary>The body of <c>POST /api/v1/admin/tenants</c>.</summary>
/// <param name="Id">A lower-case slug: letters, digits and hyphens, 1 to 64 characters, not starting or ending with a hyphen.</param>
/// <param name="Name">A display name, 1 to 200 characters.</param>
internal sealed record CreateTenantRequest(string? Id, string? Name);
