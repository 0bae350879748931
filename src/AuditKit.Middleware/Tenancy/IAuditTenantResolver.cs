using Microsoft.AspNetCore.Http;

namespace AuditKit.Middleware;

/// <summary>
/// Finds the tenant a request acts for. The default resolver follows <see cref="AuditTenantOptions"/> (claim, header,
/// host or a fixed value); register your own with
/// <c>services.AddAuditTenantResolver&lt;T&gt;()</c>. Called on the request path: keep it fast and free of I/O.
/// </summary>
public interface IAuditTenantResolver
{
    /// <summary>The tenant of <paramref name="httpContext"/>, or <see langword="null"/> to let the server use the API key's tenant.</summary>
    string? ResolveTenant(HttpContext httpContext);
}
