namespace AuditKit.Server.Storage;

/// <summary>
/// One row of <c>erasure_anchors</c>: an event whose JSON fields an erasure rewrote. Written in the same transaction as
/// the rewrite (on PostgreSQL by the SECURITY DEFINER function <c>auditkit_erase_json</c>) with the event's
/// <see cref="OriginalHash"/>; the server then adds <see cref="RewrittenHash"/> and signs the pair, so verify accepts
/// the rewritten event in place of the one the chain hashed (docs/integrity.md#erasure).
/// </summary>
internal sealed class ErasureAnchorRow
{
    public required string TenantId { get; set; }

    /// <summary>The erasure that rewrote the event (its record's <c>resource_id</c>).</summary>
    public Guid ErasureId { get; set; }

    public long Seq { get; set; }

    /// <summary>The event's chain hash as stored (32 bytes): what the chain linked before the rewrite.</summary>
    public required byte[] OriginalHash { get; set; }

    /// <summary>SHA-256 of the event's canonical bytes after the rewrite (32 bytes); null until signed.</summary>
    public byte[]? RewrittenHash { get; set; }

    /// <summary>When the rewrite ran (the database's clock on PostgreSQL).</summary>
    public DateTimeOffset ErasedAt { get; set; }

    public DateTimeOffset? SignedAt { get; set; }

    public string? KeyId { get; set; }

    /// <summary>ECDSA P-256 over SHA-256, IEEE P1363, of the anchor's signed bytes (see <c>CheckpointSignature</c>).</summary>
    public byte[]? Signature { get; set; }
}
