using System.Security.Claims;

namespace AuditKit.Server.Auth;

/// <summary>Who is calling: the authenticated API key's tenant, role and identity, read from its claims.</summary>
/// <param name="KeyId">The key's id, or <c>bootstrap</c>.</param>
/// <param name="KeyPrefix">The key's display prefix (safe to log and to record).</param>
/// <param name="TenantId">The tenant the key is bound to; null for the bootstrap admin key.</param>
/// <param name="Role">One of <see cref="ApiKeyRoles"/>.</param>
/// <param name="AllowedTenants">Further tenants an ingest key may write for.</param>
internal sealed record AuditCaller(string KeyId, string KeyPrefix, string? TenantId, string Role, IReadOnlyList<string> AllowedTenants)
{
    /// <summary>The key id the bootstrap admin key authenticates as.</summary>
    public const string BootstrapKeyId = "bootstrap";

    /// <summary>The key's name (label), when it has one.</summary>
    public string? KeyName { get; init; }

    /// <summary>Whether this is the bootstrap admin key (not bound to a tenant).</summary>
    public bool IsBootstrap => TenantId is null;

    /// <summary>Whether the caller may write events for <paramref name="tenantId"/>.</summary>
    public bool MayWriteFor(string tenantId) =>
        string.Equals(TenantId, tenantId, StringComparison.Ordinal) || AllowedTenants.Contains(tenantId, StringComparer.Ordinal);

    /// <summary>Whether the caller may manage keys of <paramref name="tenantId"/>.</summary>
    public bool MayManage(string tenantId) =>
        Role == ApiKeyRoles.Admin && (IsBootstrap || string.Equals(TenantId, tenantId, StringComparison.Ordinal));

    /// <summary>Reads the caller from an authenticated principal.</summary>
    /// <exception cref="InvalidOperationException">The principal was not authenticated by the API key handler.</exception>
    public static AuditCaller From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var keyId = principal.FindFirstValue(AuditKitClaimTypes.KeyId)
            ?? throw new InvalidOperationException("The request was not authenticated with an AuditKit API key.");
        return new AuditCaller(
            keyId,
            principal.FindFirstValue(AuditKitClaimTypes.KeyPrefix) ?? string.Empty,
            principal.FindFirstValue(AuditKitClaimTypes.Tenant),
            principal.FindFirstValue(AuditKitClaimTypes.Role) ?? string.Empty,
            [.. principal.FindAll(AuditKitClaimTypes.AllowedTenant).Select(static c => c.Value)])
        {
            KeyName = principal.FindFirstValue(AuditKitClaimTypes.KeyName),
        };
    }
}
