namespace AuditKit.Server.Storage;

/// <summary>
/// The deletes of the retention job: a tenant's events before a cut, a chunk at a time, and what is derived from them
/// by time. Each call is its own short transaction, so several processes purging at once only share the work.
/// </summary>
internal interface IRetentionStore
{
    /// <summary>Every tenant's id, in order.</summary>
    Task<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> of the tenant's events stored before <paramref name="cut"/> (lowest seq
    /// first) and records the delete in <c>retention_cuts</c>, in one transaction; returns how many, with the last
    /// (seq, hash) of each run of consecutive seqs deleted (where verification resumes: the anchors).
    /// </summary>
    Task<RetentionChunk> DeleteEventsAsync(string tenantId, DateTimeOffset cut, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the time partitions of <c>audit_events</c> from the period holding <paramref name="from"/> to the one
    /// holding <paramref name="until"/> that do not exist yet (PostgreSQL; nothing on SQLite); returns how many.
    /// </summary>
    Task<int> EnsurePartitionsAsync(DateTimeOffset from, DateTimeOffset until, EventPartitionPeriod period, CancellationToken cancellationToken);

    /// <summary>
    /// Drops the oldest time partition all of whose events are stored before <paramref name="before"/> (PostgreSQL;
    /// nothing on SQLite), recording a cut per tenant it held as <see cref="DeleteEventsAsync"/> does; returns what
    /// each tenant lost, or an empty list when no partition was old enough.
    /// </summary>
    Task<IReadOnlyList<PartitionDrop>> DropPartitionAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes what is derived from the tenant's events before <paramref name="cut"/> by time: the detection rules'
    /// minutes before it and days wholly before it, resolved alerts last seen before it and webhook deliveries made
    /// before it. The first-seen IPs of the users are kept (one row per user and IP, not per event).
    /// </summary>
    Task DeleteDerivedAsync(string tenantId, DateTimeOffset cut, CancellationToken cancellationToken);
}

/// <summary>What one retention delete removed: <see cref="Deleted"/> events, ending runs of seqs at <see cref="RunEnds"/>.</summary>
internal sealed record RetentionChunk(int Deleted, IReadOnlyList<RetentionRunEnd> RunEnds);

/// <summary>The last deleted event of a run of consecutive seqs: its seq and chain hash (null for an event from before the chain).</summary>
internal sealed record RetentionRunEnd(long Seq, byte[]? Hash);

/// <summary>What a dropped partition held of one tenant: <see cref="Chunk"/>'s count and anchors, as a delete reports them.</summary>
internal sealed record PartitionDrop(string TenantId, RetentionChunk Chunk);
