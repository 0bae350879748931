using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AuditKit.Server.Common;

/// <summary>
/// The id rule (docs/server.md, "Event ids"): a stored event's id is a UUIDv7 whose time (its first 48 bits, Unix
/// milliseconds) lies within <see cref="Tolerance"/> of the event's own <c>timestamp</c>. Clients make both when they
/// create the event, so a late delivery (a spool) has an old timestamp and an equally old id. Because of it, a query
/// over a range of <c>timestamp</c> may also bound <c>id</c> (<see cref="LowerBound"/>, <see cref="UpperBound"/>),
/// which is what lets PostgreSQL prune the time partitions of <c>audit_events</c>, cut by id.
/// </summary>
internal static class EventIdRule
{
    /// <summary>How far an id's time may lie from its event's timestamp, either way.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromHours(1);

    /// <summary>The refusal of an id that breaks the rule, naming it.</summary>
    public static readonly string Refusal = string.Create(
        CultureInfo.InvariantCulture,
        $"must be a UUIDv7 whose time is within {Tolerance.TotalMinutes:0} minutes of the event's timestamp (made when the event is, as AuditEventIds.New(timestamp) does), or omitted for the server to assign one.");

    private const long MaxMilliseconds = (1L << 48) - 1;

    /// <summary>Whether <paramref name="id"/> is a UUIDv7 (version 7, RFC 9562 variant).</summary>
    public static bool IsVersion7(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return bytes[6] >> 4 == 7 && bytes[8] >> 6 == 0b10;
    }

    /// <summary>The Unix milliseconds in the first 48 bits of <paramref name="id"/>.</summary>
    public static long Milliseconds(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
    }

    /// <summary>Whether <paramref name="id"/> keeps the rule for an event stamped <paramref name="timestamp"/>.</summary>
    public static bool Holds(Guid id, DateTimeOffset timestamp) =>
        IsVersion7(id) && Math.Abs(Milliseconds(id) - timestamp.ToUnixTimeMilliseconds()) <= (long)Tolerance.TotalMilliseconds;

    /// <summary>
    /// The id the server gives an event whose own id breaks the rule or cannot be one (a seed's non-UUID
    /// <c>event_id</c>): a UUIDv7 at <paramref name="timestamp"/> whose other 74 bits are taken from
    /// <c>SHA-256(UTF-8(key))</c>, so the same key and timestamp (a retry, a second import) give the same id.
    /// </summary>
    public static Guid Derive(DateTimeOffset timestamp, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return AtTime(timestamp, hash[..16]);
    }

    /// <summary>A UUIDv7 at <paramref name="timestamp"/> whose other bits come from <paramref name="random"/> (16 bytes).</summary>
    public static Guid AtTime(DateTimeOffset timestamp, ReadOnlySpan<byte> random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random[..16].CopyTo(bytes);
        var milliseconds = Math.Clamp(timestamp.ToUnixTimeMilliseconds(), 0, MaxMilliseconds);
        BinaryPrimitives.WriteUInt64BigEndian(bytes, ((ulong)milliseconds << 16) | BinaryPrimitives.ReadUInt16BigEndian(bytes[6..8]));
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>
    /// The lowest id of the Unix millisecond <paramref name="milliseconds"/> (clamped to what 48 bits hold), every
    /// other bit zero: the value of the <c>auditkit_uuid_floor</c> SQL function the partition bounds are made of.
    /// </summary>
    public static Guid Floor(long milliseconds)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)Math.Clamp(milliseconds, 0, MaxMilliseconds) << 16);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Every id of an event stamped at or after <paramref name="from"/> is at least this.</summary>
    public static Guid LowerBound(DateTimeOffset from) =>
        Floor(from.ToUnixTimeMilliseconds() - (long)Tolerance.TotalMilliseconds);

    /// <summary>Every id of an event stamped before (or at) <paramref name="to"/> is below this.</summary>
    public static Guid UpperBound(DateTimeOffset to) =>
        Floor(to.ToUnixTimeMilliseconds() + (long)Tolerance.TotalMilliseconds + 1);
}
