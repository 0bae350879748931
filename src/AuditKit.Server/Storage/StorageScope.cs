namespace AuditKit.Server.Storage;

/// <summary>
/// Whose rows a connection may see and write on PostgreSQL, where row-level security is the second tenant wall behind
/// the stores' own <c>tenant_id</c> predicates: one tenant's (what a store call made for a tenant asks for), or every
/// tenant's (<see cref="System"/>, asked for only by the cross-tenant work docs/security.md names). SQLite has no
/// row-level security: there the scope is not used.
/// </summary>
internal readonly record struct StorageScope
{
    private StorageScope(string? tenantId) => TenantId = tenantId;

    /// <summary>The tenant whose rows are visible, or null for <see cref="System"/>.</summary>
    public string? TenantId { get; }

    /// <summary>Whether every tenant's rows are visible.</summary>
    public bool IsSystem => TenantId is null;

    /// <summary>
    /// Every tenant's rows: the detection sweeper, the webhook dispatcher, the checkpoint service, the retention
    /// scheduler, start-up backfills, API key lookup and the bootstrap key's tenant listing.
    /// </summary>
    public static StorageScope System => default;

    /// <summary>Only <paramref name="tenantId"/>'s rows.</summary>
    public static StorageScope Tenant(string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return new StorageScope(tenantId);
    }
}
