using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AuditKit;

/// <summary>
/// Makes event ids: UUIDv7, so they are unique without coordination and sort by creation time — within one process
/// also among ids made in the same millisecond (RFC 9562 §6.2 method 1: the 12 <c>rand_a</c> bits are a counter,
/// started at a random value each millisecond).
/// </summary>
public static class AuditEventIds
{
    private static readonly Lock s_sequenceLock = new();
    private static long s_lastMilliseconds = -1;
    private static int s_sequence;

    // Guid.CreateVersion7 asks the OS for fresh random bytes on every call (a system call). Ids are made per event
    // on hot paths (one per entity of a SaveChanges), so each thread draws cryptographically secure random bytes
    // in blocks instead; every id still carries 74 random bits.
    private const int BlockSize = 4096;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_offset;

    /// <summary>A new UUIDv7 stamped with <paramref name="timeProvider"/>'s current time.</summary>
    public static Guid New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return New(timeProvider.GetUtcNow());
    }

    /// <summary>A new UUIDv7 stamped with <paramref name="timestamp"/>.</summary>
    public static Guid New(DateTimeOffset timestamp)
    {
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(timestamp));

        Span<byte> bytes = stackalloc byte[16];
        NextRandom().CopyTo(bytes[6..]);
        var randA = NextSequence(milliseconds, BinaryPrimitives.ReadUInt16BigEndian(bytes[6..8]));

        // RFC 9562 layout: 48-bit big-endian Unix milliseconds, version 7, 12-bit rand_a, variant 0b10, random rand_b.
        BinaryPrimitives.WriteInt64BigEndian(bytes[..8], (milliseconds << 16) | (uint)randA);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    // Ids of one millisecond count up from a random start (below 2048, leaving room to count); an id stamped with an
    // earlier time than the last one (a late or replayed event) or a millisecond that ran out of counter values keeps
    // its random bits.
    private static int NextSequence(long milliseconds, ushort random)
    {
        lock (s_sequenceLock)
        {
            if (milliseconds > s_lastMilliseconds)
            {
                s_lastMilliseconds = milliseconds;
                s_sequence = random & 0x07FF;
                return s_sequence;
            }

            if (milliseconds == s_lastMilliseconds && s_sequence < 0x0FFF)
            {
                return ++s_sequence;
            }
        }

        return random & 0x0FFF;
    }

    private static ReadOnlySpan<byte> NextRandom()
    {
        var block = t_random ??= new byte[BlockSize];
        if (t_offset == 0 || t_offset + 10 > BlockSize)
        {
            RandomNumberGenerator.Fill(block);
            t_offset = 0;
        }

        var random = block.AsSpan(t_offset, 10);
        t_offset += 10;
        return random;
    }
}
