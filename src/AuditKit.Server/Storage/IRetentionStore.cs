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
