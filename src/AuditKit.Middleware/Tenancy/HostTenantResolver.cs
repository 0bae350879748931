using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>Reads the tenant from the first label of the host name: <c>acme.example.com</c> → <c>acme</c>.</summary>
internal sealed class HostTenantResolver : IAuditTenantResolver
{
    public string? ResolveTenant(HttpContext httpContext)
    {
        var host = httpContext.Request.Host.Host;
        var dot = host.IndexOf('.', StringComparison.Ordinal);

        // A bare name (localhost) or an IP address names no tenant.
        if (dot <= 0 || System.Net.IPAddress.TryParse(host, out _))
        {
            return null;
        }

        return dot <= AuditEventLimits.TenantId ? host[..dot].ToLowerInvariant() : null;
    }
}
