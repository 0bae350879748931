namespace AuditKit.Server.Integrity;

/// <summary>
/// A source of <see cref="ChainWitnessMark"/>s checked by verify alongside the recomputed chain (signed checkpoints
/// plug in here): every registered witness is asked for the marks in the verified range, and each mark's seq must
/// hold an event whose hash equals the mark's — else verify names that seq (<c>hash_mismatch</c>, or <c>missing</c>
/// past the last event), or the mark's own failure.
/// </summary>
internal interface IChainWitness
{
    /// <summary>The marks of <paramref name="tenantId"/> with <paramref name="fromSeq"/> ≤ seq ≤ <paramref name="toSeq"/>.</summary>
    IAsyncEnumerable<ChainWitnessMark> ReadMarksAsync(string tenantId, long fromSeq, long toSeq, CancellationToken cancellationToken);
}
