using System.Data.Common;

namespace AuditKit.Server.Storage;

/// <summary>Tenants and their API keys. Keys are stored only as hashes; the clear key is shown once, at creation.</summary>
internal interface ITenantStore
{
    /// <summary>Creates a tenant; returns false when the id is taken.</summary>
    Task<bool> CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a tenant in <paramref name="transaction"/> (that of the audit event recording it, see
    /// <see cref="AuditInsertHooks.Before"/>);
    /// false when the id is taken. A request creating the same id at the same moment makes this throw instead.
    /// </summary>
    Task<bool> CreateTenantAsync(TenantRecord tenant, DbTransaction transaction, CancellationToken cancellationToken);

    Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Stores a new key (its hash and a display prefix, never the clear key). The tenant must exist.</summary>
    Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Stores a new key in <paramref name="transaction"/> (that of the audit event recording it).</summary>
    Task CreateKeyAsync(ApiKeyRecord key, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>The live (not revoked) key whose hash is <paramref name="keyHash"/>, or null.</summary>
    Task<ApiKeyRecord?> FindKeyByHashAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>The tenant's keys (live and revoked), oldest first; hashes and prefixes only.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Revokes the tenant's key <paramref name="keyId"/>; false when there is no such live key in that tenant.</summary>
    Task<bool> RevokeKeyAsync(string tenantId, Guid keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken);

    /// <summary>Revokes a key in <paramref name="transaction"/> (that of the audit event recording it); false when there is no such live key.</summary>
    Task<bool> RevokeKeyAsync(string tenantId, Guid keyId, DateTimeOffset revokedAt, DbTransaction transaction, CancellationToken cancellationToken);
}

/// <summary>A tenant.</summary>
internal sealed record TenantRecord(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>
/// An API key: its SHA-256 hash (hex), a short display prefix, the tenant it is bound to, its role, and for
/// multi-tenant ingest keys the other tenants it may write for.
/// </summary>
internal sealed record ApiKeyRecord(
    Guid Id,
    string TenantId,
    string Role,
    string KeyHash,
    string Prefix,
    string? Name,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    IReadOnlyList<string> AllowedTenants);
