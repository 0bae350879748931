using System.Security.Cryptography;
using AuditKit.Server.Admin;
using AuditKit.Server.Storage;

namespace AuditKit.Server.Integrity;

/// <summary>
/// Signs the anchors an erasure recorded for the events whose JSON fields it rewrote: for each, the SHA-256 of the
/// event's canonical bytes as it is now is added to its stored hash and the pair is signed with the active key, so
/// verify accepts the rewritten event in place of the one the chain hashed.
/// </summary>
internal sealed partial class ErasureAnchorSigning(
    IErasureStore erasures,
    IAuditChainStore chain,
    SigningKeyRing keys,
    TimeProvider timeProvider,
    ILogger<ErasureAnchorSigning> logger) : IErasureAnchorSigner
{
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
        foreach (var anchor in anchors)
        {
            AuditEventRow? row = null;
            await foreach (var stored in chain.StreamChainAsync(tenantId, anchor.Seq, anchor.Seq, cancellationToken).ConfigureAwait(false))
            {
                row = stored;
            }

            if (row is null)
            {
                continue;
            }

            anchor.RewrittenHash = SHA256.HashData(AuditEventCanonicalForm.Encode(row));
            CheckpointSignature.SignErasure(anchor, key, now);
            await erasures.SignAnchorAsync(anchor, cancellationToken).ConfigureAwait(false);
            signed++;
        }

        return signed;
    }

    [LoggerMessage(EventId = 1156, Level = LogLevel.Warning,
        Message = "An erasure rewrote {Count} events of tenant {TenantId} with no active signing key (erasure {ErasureId}): no anchor is signed, and verify reports them as hash_mismatch")]
    private static partial void LogUnsigned(ILogger logger, int count, string tenantId, Guid erasureId);
}
