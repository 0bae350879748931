using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>One tenant for the whole application.</summary>
internal sealed class FixedTenantResolver(string tenantId) : IAuditTenantResolver
{
    public string? ResolveTenant(HttpContext httpContext) => tenantId;
}
