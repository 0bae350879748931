namespace AuditKit.Server.Storage;

/// <summary>
/// One row of <c>integrity_checkpoints</c>: a tenant's chain head (<see cref="Seq"/>, <see cref="Hash"/>) signed at
/// <see cref="SignedAt"/> with the key <see cref="KeyId"/>. The signature covers every column (see
/// <c>CheckpointSignature</c> in the integrity slice), so a row changed in the database no longer verifies.
/// </summary>
internal sealed class CheckpointRow
{
    public required string TenantId { get; set; }

    public long Seq { get; set; }

    /// <summary>The SHA-256 chain hash of the event <see cref="Seq"/> (32 bytes).</summary>
    public required byte[] Hash { get; set; }

    public DateTimeOffset SignedAt { get; set; }

    public required string KeyId { get; set; }

    /// <summary>ECDSA P-256 over SHA-256, IEEE P1363 (r || s, 64 bytes).</summary>
    public required byte[] Signature { get; set; }

    /// <summary>One of <see cref="CheckpointKinds"/>.</summary>
    public required string Kind { get; set; }
}
