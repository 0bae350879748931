namespace AuditKit.Middleware;

/// <summary>
/// How the built-in tenant resolver finds a request's tenant. Bound from configuration section
/// <c>AuditKit:Tenant</c>. Register your own <see cref="IAuditTenantResolver"/> to replace it.
/// </summary>
public sealed class AuditTenantOptions
{
    /// <summary>Where the tenant comes from. Defaults to <see cref="AuditTenantSource.None"/>.</summary>
    public AuditTenantSource Source { get; set; } = AuditTenantSource.None;

    /// <summary>The claim holding the tenant, for <see cref="AuditTenantSource.Claim"/>. Defaults to <c>tenant_id</c>.</summary>
    public string ClaimType { get; set; } = "tenant_id";

    /// <summary>The header holding the tenant, for <see cref="AuditTenantSource.Header"/>. Defaults to <c>X-Tenant-Id</c>.</summary>
    public string HeaderName { get; set; } = "X-Tenant-Id";

    /// <summary>The tenant, for <see cref="AuditTenantSource.Fixed"/>.</summary>
    public string? TenantId { get; set; }
}
