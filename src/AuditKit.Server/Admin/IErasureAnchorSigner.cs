namespace AuditKit.Server.Admin;

/// <summary>
/// Signs the anchors an erasure recorded for the events whose JSON fields it rewrote (implemented by the Integrity
/// slice, which holds the signing keys; the erasure endpoint only asks for it).
/// </summary>
internal interface IErasureAnchorSigner
{
    /// <summary>Signs the unsigned anchors of <paramref name="erasureId"/>; returns how many (none without an active key).</summary>
    Task<int> SignAsync(string tenantId, Guid erasureId, CancellationToken cancellationToken);
}
