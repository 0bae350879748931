using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AuditKit.Server.Integrity;

/// <summary>
/// The bytes a checkpoint's signature covers, the signing and the check. The encoding (docs/integrity.md, "Signed
/// checkpoints") is versioned and length-prefixed, so a third party rebuilds it exactly and no two checkpoints share
/// their bytes:
/// <code>
/// u8 version (1) · str "auditkit-checkpoint" · str tenant_id · u64 seq · bytes hash · i64 signed_at · str key_id · str kind
/// </code>
/// where <c>str</c>/<c>bytes</c> are a big-endian u32 length then the UTF-8 text or raw bytes, <c>u64</c>/<c>i64</c>
/// are big-endian, and <c>signed_at</c> counts microseconds since 1970-01-01T00:00:00Z. The signature is ECDSA P-256
/// over SHA-256 of those bytes in IEEE P1363 form (r || s, 32 bytes each).
/// </summary>
internal static class CheckpointSignature
{
    /// <summary>The version of the encoding, its first byte.</summary>
    public const byte Version = 1;

    /// <summary>The context string after the version, so these bytes cannot be mistaken for any other signed message.</summary>
    public const string Context = "auditkit-checkpoint";

    /// <summary>The length of a chain hash (SHA-256).</summary>
    public const int HashLength = 32;

    /// <summary>The length of an IEEE P1363 P-256 signature.</summary>
    public const int SignatureLength = 64;

    /// <summary>The signed bytes of <paramref name="checkpoint"/>.</summary>
    public static byte[] SignedBytes(CheckpointRow checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return SignedBytes(checkpoint.TenantId, checkpoint.Seq, checkpoint.Hash, checkpoint.SignedAt, checkpoint.KeyId, checkpoint.Kind);
    }

    /// <summary>The signed bytes of a checkpoint with these values.</summary>
    public static byte[] SignedBytes(string tenantId, long seq, ReadOnlySpan<byte> hash, DateTimeOffset signedAt, string keyId, string kind)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        using var stream = new MemoryStream(128);
        stream.WriteByte(Version);
        WriteField(stream, Encoding.UTF8.GetBytes(Context));
        WriteField(stream, Encoding.UTF8.GetBytes(tenantId));
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(number, (ulong)seq);
        stream.Write(number);
        WriteField(stream, hash);
        BinaryPrimitives.WriteInt64BigEndian(number, UnixMicroseconds(signedAt));
        stream.Write(number);
        WriteField(stream, Encoding.UTF8.GetBytes(keyId));
        WriteField(stream, Encoding.UTF8.GetBytes(kind));
        return stream.ToArray();
    }

    /// <summary>
    /// The signed bytes of an erasure anchor: those of a checkpoint of kind <see cref="CheckpointKinds.Erasure"/> whose
    /// hash is the event's stored hash followed by the SHA-256 of its canonical bytes after the rewrite (64 bytes).
    /// </summary>
    public static byte[] SignedBytes(ErasureAnchorRow anchor)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        if (anchor is not { RewrittenHash.Length: HashLength, SignedAt: { } signedAt, KeyId: { } keyId } || anchor.OriginalHash.Length != HashLength)
        {
            throw new ArgumentException($"The erasure anchor at seq {anchor.Seq} of tenant {anchor.TenantId} is not complete.", nameof(anchor));
        }

        return SignedBytes(anchor.TenantId, anchor.Seq, [.. anchor.OriginalHash, .. anchor.RewrittenHash], signedAt, keyId, CheckpointKinds.Erasure);
    }

    /// <summary>Signs <paramref name="anchor"/> (its rewritten hash set) with <paramref name="key"/> at <paramref name="signedAt"/>.</summary>
    public static void SignErasure(ErasureAnchorRow anchor, SigningKey key, DateTimeOffset signedAt)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(key);
        if (!key.HasPrivateKey)
        {
            throw new InvalidOperationException($"The signing key '{key.KeyId}' has no private key.");
        }

        anchor.SignedAt = AuditEventRow.ToStoredTime(signedAt);
        anchor.KeyId = key.KeyId;
        anchor.Signature = key.Key.SignData(SignedBytes(anchor), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Checks the signature of <paramref name="anchor"/> against the key of its id among <paramref name="keys"/>.</summary>
    public static CheckpointVerification VerifyErasure(ErasureAnchorRow anchor, IEnumerable<SigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(keys);
        return VerifySigned(
            keys,
            anchor.KeyId,
            anchor is { RewrittenHash.Length: HashLength, OriginalHash.Length: HashLength },
            anchor.Signature,
            () => SignedBytes(anchor));
    }

    /// <summary>Signs <paramref name="head"/> with <paramref name="key"/> at <paramref name="signedAt"/> (to the microsecond).</summary>
    public static CheckpointRow Sign(ChainHead head, SigningKey key, DateTimeOffset signedAt, string kind)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(key);
        if (!key.HasPrivateKey)
        {
            throw new InvalidOperationException($"The signing key '{key.KeyId}' has no private key.");
        }

        if (head.Hash.Length != HashLength)
        {
            throw new ArgumentException($"A chain hash has {HashLength} bytes (tenant {head.TenantId}, seq {head.Seq}: {head.Hash.Length}).", nameof(head));
        }

        var checkpoint = new CheckpointRow
        {
            TenantId = head.TenantId,
            Seq = head.Seq,
            Hash = [.. head.Hash],
            SignedAt = AuditEventRow.ToStoredTime(signedAt),
            KeyId = key.KeyId,
            Signature = [],
            Kind = kind,
        };
        checkpoint.Signature = key.Key.SignData(SignedBytes(checkpoint), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return checkpoint;
    }

    /// <summary>Checks <paramref name="checkpoint"/> against the key of its id among <paramref name="keys"/>.</summary>
    public static CheckpointVerification Verify(CheckpointRow checkpoint, IEnumerable<SigningKey> keys)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(keys);
        return VerifySigned(keys, checkpoint.KeyId, wellFormed: true, checkpoint.Signature, () => SignedBytes(checkpoint));
    }

    /// <summary>
    /// Finds the key of <paramref name="keyId"/> among <paramref name="keys"/> and checks <paramref name="signature"/>
    /// over the signed bytes (made only when a key is found and the record is <paramref name="wellFormed"/>).
    /// </summary>
    private static CheckpointVerification VerifySigned(
        IEnumerable<SigningKey> keys, string? keyId, bool wellFormed, byte[]? signature, Func<byte[]> signedBytes)
    {
        var key = keys.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));
        if (key is null)
        {
            return CheckpointVerification.UnknownKey;
        }

        return wellFormed
            && signature is { Length: SignatureLength }
            && key.Key.VerifyData(signedBytes(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? CheckpointVerification.Ok
            : CheckpointVerification.BadSignature;
    }

    /// <summary>The wire name of a result: <c>ok</c>, <c>unknown_key</c> or <c>bad_signature</c>.</summary>
    public static string Name(CheckpointVerification result) => result switch
    {
        CheckpointVerification.Ok => "ok",
        CheckpointVerification.UnknownKey => "unknown_key",
        CheckpointVerification.BadSignature => "bad_signature",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    /// <summary>Microseconds since the Unix epoch (UTC), the precision times are stored with.</summary>
    public static long UnixMicroseconds(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    private static void WriteField(MemoryStream stream, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
        stream.Write(length);
        stream.Write(value);
    }
}
