namespace AuditKit;

/// <summary>Makes event ids: UUIDv7, so they are unique without coordination and sort by creation time.</summary>
public static class AuditEventIds
{
    /// <summary>A new UUIDv7 stamped with <paramref name="timeProvider"/>'s current time.</summary>
    public static Guid New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return New(timeProvider.GetUtcNow());
    }

    /// <summary>A new UUIDv7 (RFC 9562) stamped with <paramref name="timestamp"/>, to the millisecond.</summary>
    /// <remarks>
    /// The 74 random bits come from <see cref="Random.Shared"/> (seeded from the OS per process) rather than the
    /// cryptographic generator behind <see cref="Guid.CreateVersion7(DateTimeOffset)"/>: ids must be unique, not
    /// unguessable, and this is made once per request and per audited entity, where the OS call costs a microsecond
    /// on some hosts.
    /// </remarks>
    public static Guid New(DateTimeOffset timestamp)
    {
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(timestamp));

        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes[6..]);
        bytes[0] = (byte)(milliseconds >> 40);
        bytes[1] = (byte)(milliseconds >> 32);
        bytes[2] = (byte)(milliseconds >> 24);
        bytes[3] = (byte)(milliseconds >> 16);
        bytes[4] = (byte)(milliseconds >> 8);
        bytes[5] = (byte)milliseconds;
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70); // version 7
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
