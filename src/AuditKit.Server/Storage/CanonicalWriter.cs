using System.Buffers.Binary;

namespace AuditKit.Server.Storage;

/// <summary>
/// A growable byte buffer for the canonical form: big-endian integers, UTF-8 text, and length prefixes written
/// after their content (<see cref="BeginLength"/> / <see cref="EndLength"/>), so nothing is encoded twice. One per
/// insert batch or verify run, reused from event to event (<see cref="Clear"/>).
/// </summary>
internal sealed class CanonicalWriter
{
    private byte[] _buffer = new byte[1024];

    /// <summary>How many bytes are written.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes written.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>Forgets what is written, keeping the buffer.</summary>
    public void Clear() => Length = 0;

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);

    public void WriteBytes(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    /// <summary>Writes <paramref name="value"/> as UTF-8 (no length; see <see cref="WriteLengthPrefixedUtf8"/>).</summary>
    public void WriteUtf8(string value)
    {
        // Room for the longest UTF-8 the text can take, then one encoding pass (no byte count first).
        EnsureRoom(Encoding.UTF8.GetMaxByteCount(value.Length));
        Length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length));
    }

    /// <summary>A 4-byte length, then <paramref name="value"/> as UTF-8.</summary>
    public void WriteLengthPrefixedUtf8(string value)
    {
        var start = BeginLength();
        WriteUtf8(value);
        EndLength(start);
    }

    /// <summary>A 4-byte length, then <paramref name="value"/> (UTF-8 already).</summary>
    public void WriteLengthPrefixed(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        WriteBytes(value);
    }

    /// <summary>Leaves room for a 4-byte length of what follows; returns where, for <see cref="EndLength"/>.</summary>
    public int BeginLength()
    {
        Reserve(4);
        return Length;
    }

    /// <summary>Fills in the length reserved by <see cref="BeginLength"/> with the bytes written since.</summary>
    public void EndLength(int start) =>
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(start - 4, 4), (uint)(Length - start));

    /// <summary>Appends <paramref name="count"/> bytes for the caller to fill; the span is valid until the next write.</summary>
    public Span<byte> Reserve(int count)
    {
        EnsureRoom(count);
        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }

    private void EnsureRoom(int count)
    {
        if (Length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        }
    }
}
