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

    /// <summary>
    /// The version of the whole key set: it changes in the transaction of every key creation, revocation and access
    /// revocation, on any server process, so a cache of key lookups is stale exactly when it moved.
    /// </summary>
    Task<long> GetKeySetVersionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The keys that can act on the tenant (live and revoked), oldest first: its own, and the multi-tenant ingest keys
    /// of other tenants whose <see cref="ApiKeyRecord.AllowedTenants"/> name it. Hashes and prefixes only.
    /// </summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes <paramref name="tenantId"/> out of the allowed tenants of another tenant's live key
    /// <paramref name="keyId"/>, in <paramref name="transaction"/> (that of the audit event recording it); the key
    /// keeps writing for its own tenant and any other. False when the key is not live or does not write for the tenant.
    /// </summary>
    Task<bool> RevokeTenantAccessAsync(string tenantId, Guid keyId, DbTransaction transaction, CancellationToken cancellationToken);

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
