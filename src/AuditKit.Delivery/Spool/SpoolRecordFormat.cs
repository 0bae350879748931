using System.Buffers.Binary;
using System.IO.Hashing;

namespace AuditKit.Delivery.Spool;

/// <summary>
/// The on-disk form of one spooled batch. A record is a 12-byte header — magic <c>AKS1</c>, payload length and the
/// payload's CRC-32, little-endian — followed by the payload: the event count, then each event as a length-prefixed
/// UTF-8 JSON document. The magic lets recovery find the next good record after a damaged one; the checksum catches
/// torn and bit-rotted writes.
/// </summary>
internal static class SpoolRecordFormat
{
    public const uint Magic = 0x31534B41; // "AKS1" read as a little-endian uint
    public const int HeaderSize = 12;
    public const int MaxPayloadBytes = 64 * 1024 * 1024;

    public static byte[] Encode(AuditBatch batch)
    {
        var payloadLength = 4L;
        foreach (var e in batch.Events)
        {
            payloadLength += 4 + e.Length;
        }

        if (payloadLength > MaxPayloadBytes)
        {
            throw new ArgumentException($"A batch of {payloadLength} bytes is too large to spool.", nameof(batch));
        }

        var record = new byte[HeaderSize + payloadLength];
        var payload = record.AsSpan(HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(payload, batch.Count);
        var position = 4;
        foreach (var e in batch.Events)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload[position..], e.Length);
            e.Span.CopyTo(payload[(position + 4)..]);
            position += 4 + e.Length;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(record, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), (int)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), Crc32.HashToUInt32(payload));
        return record;
    }

    /// <summary>
    /// Reads the record at <paramref name="offset"/> of <paramref name="data"/>. Returns its total length and the
    /// batch, or a reason why there is no valid record there.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> data, long offset, out int recordLength, out AuditBatch? batch, out string? damage)
    {
        recordLength = 0;
        batch = null;
        var span = data.Span;
        var remaining = span.Length - offset;
        if (remaining < HeaderSize)
        {
            damage = "truncated record header";
            return false;
        }

        var header = span.Slice((int)offset, HeaderSize);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            damage = "bad record marker";
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (length < 4 || length > MaxPayloadBytes)
        {
            damage = "bad record length";
            return false;
        }

        if (length > remaining - HeaderSize)
        {
            damage = "truncated record";
            return false;
        }

        var payload = data.Slice((int)offset + HeaderSize, length);
        if (Crc32.HashToUInt32(payload.Span) != BinaryPrimitives.ReadUInt32LittleEndian(header[8..]))
        {
            damage = "checksum mismatch";
            return false;
        }

        batch = Decode(payload);
        if (batch is null)
        {
            damage = "malformed payload";
            return false;
        }

        recordLength = HeaderSize + length;
        damage = null;
        return true;
    }

    private static AuditBatch? Decode(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span;
        var count = BinaryPrimitives.ReadInt32LittleEndian(span);
        if (count <= 0 || count > AuditEventLimits.BatchEvents * 64)
        {
            return null;
        }

        var events = new ReadOnlyMemory<byte>[count];
        var position = 4;
        for (var i = 0; i < count; i++)
        {
            if (span.Length - position < 4)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(span[position..]);
            if (length <= 0 || length > span.Length - position - 4)
            {
                return null;
            }

            events[i] = payload.Slice(position + 4, length);
            position += 4 + length;
        }

        return position == span.Length ? new AuditBatch(events) : null;
    }
}
