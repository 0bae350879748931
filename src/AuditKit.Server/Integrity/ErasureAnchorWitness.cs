using System.Runtime.CompilerServices;

namespace AuditKit.Server.Integrity;

/// <summary>
/// Signed erasure anchors as verify's witness: each says that the event at its seq, stored with its original hash, was
/// rewritten by an erasure into canonical bytes of a given SHA-256 (docs/integrity.md#erasure). An anchor whose
/// signature does not check fails as <see cref="ChainBreakReasons.CheckpointSignature"/> at its seq; an unsigned one is
/// not a mark at all, so the rewritten event stays a <c>hash_mismatch</c>.
/// </summary>
internal sealed class ErasureAnchorWitness(IErasureStore erasures, SigningKeyRing keys) : IChainWitness
{
    public async IAsyncEnumerable<ChainWitnessMark> ReadMarksAsync(
        string tenantId, long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var anchor in await erasures.SignedAnchorsAsync(tenantId, fromSeq, toSeq, cancellationToken).ConfigureAwait(false))
        {
            yield return Mark(anchor, keys.Keys);
        }
    }

    /// <summary>
    /// <paramref name="anchor"/> as a mark, failing as <see cref="ChainBreakReasons.CheckpointSignature"/> unless its
    /// signature checks against one of <paramref name="keys"/>: the database's anchors here, an export's in
    /// <c>verify --file</c>.
    /// </summary>
    public static ChainWitnessMark Mark(ErasureAnchorRow anchor, IEnumerable<SigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(keys);
        var verdict = CheckpointSignature.VerifyErasure(anchor, keys);
        return new ChainWitnessMark(
            anchor.Seq,
            anchor.OriginalHash,
            verdict == CheckpointVerification.Ok ? null : ChainBreakReasons.CheckpointSignature,
            Rewritten: anchor.RewrittenHash ?? []);
    }
}
