using System.Security.Cryptography;
using AuditKit.Server.Admin;

namespace AuditKit.Server.Integrity;

/// <summary>
/// Signs the anchors an erasure recorded for the events whose JSON fields it rewrote: for each, the SHA-256 of the
/// event's canonical bytes as it is now is added to its stored hash and the pair is signed with the active key, so
/// verify accepts the rewritten event in place of the one the chain hashed. Each anchor keeps a signature of its own
/// (verify's rule is unchanged); what is batched is the work around it: the rewritten events are read one seq range
/// per batch and a batch's signatures are stored in one transaction.
/// </summary>
internal sealed partial class ErasureAnchorSigning(
    IErasureStore erasures,
    IAuditChainStore chain,
    SigningKeyRing keys,
    TimeProvider timeProvider,
    ILogger<ErasureAnchorSigning> logger) : IErasureAnchorSigner
{
    /// <summary>The most anchors signed per batch (one chain read, one transaction of updates).</summary>
    public const int BatchSize = 500;

    /// <summary>The widest seq range one batch reads from the chain.</summary>
    public const long BatchSpan = 5_000;

    /// <summary>Signs the unsigned anchors of <paramref name="erasureId"/>; returns how many (none without an active key).</summary>
    public async Task<int> SignAsync(string tenantId, Guid erasureId, CancellationToken cancellationToken)
    {
        var anchors = await erasures.UnsignedAnchorsAsync(tenantId, erasureId, cancellationToken).ConfigureAwait(false);
        if (anchors.Count == 0)
        {
            return 0;
        }

        if (keys.Active is not { } key)
        {
            LogUnsigned(logger, anchors.Count, tenantId, erasureId);
            return 0;
        }

        var now = timeProvider.GetUtcNow();
        var signed = 0;
        foreach (var batch in Batches(anchors))
        {
            // One read of the batch's seq range (a keyset stream) instead of one per anchor.
            var bySeq = batch.ToDictionary(static a => a.Seq);
            var done = new List<ErasureAnchorRow>(batch.Count);
            await foreach (var row in chain.StreamChainAsync(tenantId, batch[0].Seq, batch[^1].Seq, cancellationToken).ConfigureAwait(false))
            {
                if (bySeq.TryGetValue(row.Seq, out var anchor))
                {
                    anchor.RewrittenHash = SHA256.HashData(AuditEventCanonicalForm.Encode(row));
                    CheckpointSignature.SignErasure(anchor, key, now);
                    done.Add(anchor);
                }
            }

            // One transaction stores the batch's signatures.
            await erasures.SignAnchorsAsync(done, cancellationToken).ConfigureAwait(false);
            signed += done.Count;
        }

        return signed;
    }

    /// <summary>
    /// <paramref name="anchors"/> (by seq) cut into batches of at most <see cref="BatchSize"/> anchors whose seqs span at
    /// most <see cref="BatchSpan"/>, so a batch's read of the chain stays bounded when the anchors are sparse.
    /// </summary>
    internal static IEnumerable<List<ErasureAnchorRow>> Batches(IReadOnlyList<ErasureAnchorRow> anchors)
    {
        var batch = new List<ErasureAnchorRow>();
        foreach (var anchor in anchors)
        {
            if (batch.Count > 0 && (batch.Count == BatchSize || anchor.Seq - batch[0].Seq >= BatchSpan))
            {
                yield return batch;
                batch = [];
            }

            batch.Add(anchor);
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    [LoggerMessage(EventId = 1156, Level = LogLevel.Warning,
        Message = "An erasure rewrote {Count} events of tenant {TenantId} with no active signing key (erasure {ErasureId}): no anchor is signed, and verify reports them as hash_mismatch")]
    private static partial void LogUnsigned(ILogger logger, int count, string tenantId, Guid erasureId);
}
