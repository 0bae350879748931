using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>Reads the tenant from a claim of the signed-in user.</summary>
internal sealed class ClaimTenantResolver(string claimType) : IAuditTenantResolver
{
    public string? ResolveTenant(HttpContext httpContext) => httpContext.User.FindFirst(claimType)?.Value is { Length: > 0 } tenant
        ? tenant
        : null;
}
