using System.Runtime.CompilerServices;

namespace AuditKit.Server.Integrity;

/// <summary>
/// Signed checkpoints as verify's witness: each checkpoint in the verified range says which hash the event at its seq
/// must have, and a checkpoint whose signature does not check against the listed keys (changed in the database, or
/// naming a key nobody lists) fails as <see cref="ChainBreakReasons.CheckpointSignature"/> at its seq.
/// </summary>
internal sealed class CheckpointWitness(ICheckpointStore checkpoints, SigningKeyRing keys) : IChainWitness
{
    private const int PageSize = 500;

    public async IAsyncEnumerable<ChainWitnessMark> ReadMarksAsync(
        string tenantId, long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long? afterSeq = null;
        string? afterKind = null;
        while (true)
        {
            var page = await checkpoints.ListAsync(tenantId, new CheckpointQuery(fromSeq, toSeq, PageSize, afterSeq, afterKind), cancellationToken)
                .ConfigureAwait(false);
            foreach (var checkpoint in page)
            {
                var verdict = CheckpointSignature.Verify(checkpoint, keys.Keys);
                yield return new ChainWitnessMark(
                    checkpoint.Seq,
                    checkpoint.Hash,
                    verdict == CheckpointVerification.Ok ? null : ChainBreakReasons.CheckpointSignature,
                    checkpoint.Kind == CheckpointKinds.Anchor);
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            afterSeq = page[^1].Seq;
            afterKind = page[^1].Kind;
        }
    }
}
