namespace AuditKit.Server.Storage;

/// <summary>
/// Reads a tenant's chain for verification: its head, one link, and its events in seq order. Tenant-scoped like
/// every store: nothing here reads across tenants.
/// </summary>
internal interface IAuditChainStore
{
    /// <summary>The tenant's head (seq and hash of its last event), or null before its first event.</summary>
    Task<(long Seq, byte[] Hash)?> ReadHeadAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Every tenant's head, by tenant id, for the checkpoint job: the one cross-tenant read of the chain, used by no
    /// request path.
    /// </summary>
    IAsyncEnumerable<(string TenantId, long Seq, byte[] Hash)> ReadHeadsAsync(CancellationToken cancellationToken);

    /// <summary>The stored (seq, hash) of the tenant's event at <paramref name="seq"/>, or null when no event has it.</summary>
    Task<(long Seq, byte[]? Hash)?> ReadLinkAsync(string tenantId, long seq, CancellationToken cancellationToken);

    /// <summary>
    /// The lowest seq of the tenant's events outside its chain — below 1, or above its head (read in the same
    /// statement, so an insert committing meanwhile cannot be mistaken for one) — or null when there is none: such a
    /// row was not written by the server.
    /// </summary>
    Task<long?> FindOutsideChainAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// The tenant's events with <paramref name="fromSeq"/> ≤ seq ≤ <paramref name="toSeq"/> by ascending seq, read one
    /// keyset page at a time as the caller enumerates (flat memory, no connection held between pages).
    /// </summary>
    IAsyncEnumerable<AuditEventRow> StreamChainAsync(string tenantId, long fromSeq, long toSeq, CancellationToken cancellationToken);
}
