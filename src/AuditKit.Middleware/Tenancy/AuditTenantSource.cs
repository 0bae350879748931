namespace AuditKit.Middleware;

/// <summary>Where the built-in tenant resolver reads a request's tenant from.</summary>
public enum AuditTenantSource
{
    /// <summary>No tenant is set on the event: the server takes it from the API key.</summary>
    None = 0,

    /// <summary>A claim of the signed-in user (<see cref="AuditTenantOptions.ClaimType"/>).</summary>
    Claim = 1,

    /// <summary>
    /// A request header (<see cref="AuditTenantOptions.HeaderName"/>). Only use behind a gateway that sets it: a caller
    /// can send any value. The server still only accepts tenants the API key is allowed to write.
    /// </summary>
    Header = 2,

    /// <summary>The first label of the request's host name (<c>acme.example.com</c> → <c>acme</c>).</summary>
    Host = 3,

    /// <summary>One fixed tenant for the whole application (<see cref="AuditTenantOptions.TenantId"/>).</summary>
    Fixed = 4,
}
