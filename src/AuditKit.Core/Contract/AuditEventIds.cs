namespace AuditKit;

/// <summary>Makes event ids: UUIDv7, so they are unique without coordination and sort by creation time.</summary>
public static class AuditEventIds
{
    /// <summary>A new UUIDv7 stamped with <paramref name="timeProvider"/>'s current time.</summary>
    public static Guid New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Guid.CreateVersion7(timeProvider.GetUtcNow());
    }

    /// <summary>A new UUIDv7 stamped with <paramref name="timestamp"/>.</summary>
    public static Guid New(DateTimeOffset timestamp) => Guid.CreateVersion7(timestamp);
}
