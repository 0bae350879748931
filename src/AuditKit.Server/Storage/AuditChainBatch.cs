using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AuditKit.Server.Storage;

/// <summary>
/// A batch's chain work, split around its tenant's head lock so the lock is held for as little of it as possible.
/// <see cref="Prepare"/>, before the lock: gives each row its salt and writes its canonical bytes — the costly part
/// (personal-field digests, the JSON fields canonicalized) — behind 32 bytes kept for the previous hash, with the seq
/// left open. <see cref="Link"/>, once the head is locked: for each row, writes the previous hash and the seq in place
/// and hashes the span, one SHA-256 of about half a kilobyte. The bytes hashed are exactly those of
/// <see cref="AuditEventCanonicalForm.Hash"/> (previous hash ‖ canonical form).
/// </summary>
internal sealed class AuditChainBatch
{
    private readonly IReadOnlyList<AuditEventRow> _rows;
    private readonly byte[][] _bytes;
    private readonly int[] _seqAt;

    private AuditChainBatch(IReadOnlyList<AuditEventRow> rows, byte[][] bytes, int[] seqAt)
    {
        _rows = rows;
        _bytes = bytes;
        _seqAt = seqAt;
    }

    /// <summary>Salts and encodes <paramref name="rows"/> (new rows of one tenant, in the order they are to be linked).</summary>
    public static AuditChainBatch Prepare(IReadOnlyList<AuditEventRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        // One small array per row (a few hundred bytes each, short-lived) rather than one buffer for the batch, which
        // would be a large-object-heap allocation per batch.
        var scratch = new CanonicalWriter();
        var bytes = new byte[rows.Count][];
        var seqAt = new int[rows.Count];
        // The salts of the whole batch drawn by one call to the random generator, not one per row.
        var salts = new byte[rows.Count * AuditEventCanonicalForm.SaltLength];
        RandomNumberGenerator.Fill(salts);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            row.Salt ??= salts.AsSpan(i * AuditEventCanonicalForm.SaltLength, AuditEventCanonicalForm.SaltLength).ToArray();
            scratch.Clear();
            scratch.Reserve(AuditEventCanonicalForm.HashLength);
            seqAt[i] = AuditEventCanonicalForm.AppendLinkable(row, scratch);
            bytes[i] = scratch.Written.ToArray();
        }

        return new AuditChainBatch(rows, bytes, seqAt);
    }

    /// <summary>
    /// Links the prepared rows after <paramref name="head"/>, in order, leaving out those whose id is in
    /// <paramref name="skip"/> (already stored): sets each one's seq and hash. Returns the new head.
    /// </summary>
    public (long Seq, byte[] Hash) Link((long Seq, byte[] Hash) head, IReadOnlySet<Guid>? skip = null)
    {
        for (var i = 0; i < _rows.Count; i++)
        {
            if (skip is null || !skip.Contains(_rows[i].Id))
            {
                head = LinkAt(i, head);
            }
        }

        return head;
    }

    /// <summary>Links the prepared row at <paramref name="index"/> after <paramref name="head"/>: sets its seq and hash, returns them.</summary>
    public (long Seq, byte[] Hash) LinkAt(int index, (long Seq, byte[] Hash) head)
    {
        ArgumentNullException.ThrowIfNull(head.Hash);
        var row = _rows[index];
        var linked = _bytes[index].AsSpan();
        head.Hash.CopyTo(linked);
        BinaryPrimitives.WriteInt64BigEndian(linked[_seqAt[index]..], head.Seq + 1);
        row.Seq = head.Seq + 1;
        var hash = new byte[AuditEventCanonicalForm.HashLength];
        ReusedSha256.Hash(linked, hash);
        row.Hash = hash;
        return (row.Seq, row.Hash);
    }
}
