namespace AuditKit.Server.Storage;

/// <summary>The UTC day and minute numbers the window state is keyed by.</summary>
internal static class DetectionTime
{
    /// <summary>Days since 1970-01-01 (UTC).</summary>
    public static int Day(DateTimeOffset time) => (int)((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerDay);

    /// <summary>Minutes since 1970-01-01 (UTC).</summary>
    public static long Minute(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMinute;

    /// <summary>The start of minute number <paramref name="minute"/>.</summary>
    public static DateTimeOffset MinuteStart(long minute) => DateTimeOffset.UnixEpoch.AddTicks(minute * TimeSpan.TicksPerMinute);
}
