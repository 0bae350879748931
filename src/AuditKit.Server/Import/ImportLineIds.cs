using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AuditKit.Server.Import;

/// <summary>
/// The id of an imported line that names none, derived from the line itself so importing the same file twice stores
/// nothing new: a UUIDv8 (RFC 9562 §5.8) made of the first 128 bits of
/// <c>SHA-256(UTF-8(tenant) ‖ 0x00 ‖ UTF-8(line without its line ending))</c>, with the version (8) and variant
/// (0b10) bits set. The same line of the same tenant always gets the same id; any other line, or another tenant,
/// a different one.
/// </summary>
internal static class ImportLineIds
{
    public static Guid Derive(string tenantId, string line)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(line);
        var input = new byte[Encoding.UTF8.GetByteCount(tenantId) + 1 + Encoding.UTF8.GetByteCount(line)];
        var tenantBytes = Encoding.UTF8.GetBytes(tenantId, input);
        input[tenantBytes] = 0;
        Encoding.UTF8.GetBytes(line, input.AsSpan(tenantBytes + 1));

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>
    /// The id the line's event is stored under: a UUIDv7 at its <paramref name="timestamp"/> (the id rule,
    /// <see cref="EventIdRule"/>) whose other bits are <paramref name="derived"/>'s, so a line with its own timestamp
    /// gets the same id at every import. A line without one is stamped with the import's time, and so is a new event
    /// at each import.
    /// </summary>
    public static Guid At(Guid derived, DateTimeOffset timestamp)
    {
        Span<byte> bytes = stackalloc byte[16];
        derived.TryWriteBytes(bytes, bigEndian: true, out _);
        return EventIdRule.AtTime(timestamp, bytes);
    }

    /// <summary>Whether <paramref name="id"/> is a UUIDv8, as <see cref="Derive"/> makes them.</summary>
    public static bool IsDerived(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return bytes[6] >> 4 == 8 && BinaryPrimitives.ReadUInt16BigEndian(bytes[8..]) >> 14 == 0b10;
    }
}
