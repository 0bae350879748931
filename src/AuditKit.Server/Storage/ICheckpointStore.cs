namespace AuditKit.Server.Storage;

/// <summary>
/// The signed checkpoints of every tenant's chain, as the checkpoint job writes them and the integrity endpoints read
/// them. Every read takes the tenant: another tenant's checkpoint is never found.
/// </summary>
internal interface ICheckpointStore
{
    /// <summary>Per tenant, the highest <c>seq</c> a head checkpoint (periodic or shutdown) was signed at.</summary>
    Task<IReadOnlyDictionary<string, long>> LatestSignedSeqsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="checkpoint"/>; false, with nothing stored, when its (tenant, seq) already has a head
    /// checkpoint (another instance signed it first) or, for an anchor, an anchor.
    /// </summary>
    Task<bool> TryAddAsync(CheckpointRow checkpoint, CancellationToken cancellationToken);

    /// <summary>One page of the tenant's checkpoints matching <paramref name="query"/>, by seq then kind.</summary>
    Task<IReadOnlyList<CheckpointRow>> ListAsync(string tenantId, CheckpointQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// Which checkpoints to list: <c>seq</c> in [<see cref="FromSeq"/>, <see cref="ToSeq"/>], after the
/// (<see cref="AfterSeq"/>, <see cref="AfterKind"/>) a previous page ended with, at most <see cref="Limit"/>.
/// </summary>
internal sealed record CheckpointQuery(long? FromSeq, long? ToSeq, int Limit, long? AfterSeq = null, string? AfterKind = null);
