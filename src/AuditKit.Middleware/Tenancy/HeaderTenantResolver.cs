using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>Reads the tenant from a request header set by a trusted gateway.</summary>
internal sealed class HeaderTenantResolver(string headerName) : IAuditTenantResolver
{
    public string? ResolveTenant(HttpContext httpContext)
    {
        var values = httpContext.Request.Headers[headerName];

        // Several values mean a caller added its own next to the gateway's: trust none of them.
        return values.Count == 1 && values[0] is { Length: > 0 and <= AuditEventLimits.TenantId } tenant ? tenant : null;
    }
}
