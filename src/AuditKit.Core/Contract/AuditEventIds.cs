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
    // The counters of the few milliseconds ids were last made for. Usually one; several when events are stamped
    // with their own (late, replayed or test-clock) times, so each of those milliseconds keeps counting up too.
    private const int TrackedMilliseconds = 16;
    private static readonly Lock s_sequenceLock = new();
    private static readonly long[] s_milliseconds = CreateEmptySlots();
    private static readonly int[] s_sequences = new int[TrackedMilliseconds];
    private static int s_nextSlot;

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

    // Ids of one millisecond count up from a random start (below 2048, leaving room to count); a millisecond that
    // runs out of counter values (4096 ids) goes on with random bits.
    private static int NextSequence(long milliseconds, ushort random)
    {
        lock (s_sequenceLock)
        {
            for (var slot = 0; slot < TrackedMilliseconds; slot++)
            {
                if (s_milliseconds[slot] == milliseconds)
                {
                    return s_sequences[slot] < 0x0FFF ? ++s_sequences[slot] : random & 0x0FFF;
                }
            }

            var free = s_nextSlot;
            s_nextSlot = (s_nextSlot + 1) % TrackedMilliseconds;
            s_milliseconds[free] = milliseconds;
            s_sequences[free] = random & 0x07FF;
            return s_sequences[free];
        }
    }

    private static long[] CreateEmptySlots()
    {
        var slots = new long[TrackedMilliseconds];
        Array.Fill(slots, -1L);
        return slots;
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
