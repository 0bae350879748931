using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AuditKit.Server.Storage.Sqlite;

/// <summary>Stores a <see cref="DateTimeOffset"/> as microseconds since the Unix epoch, UTC (PostgreSQL's precision).</summary>
internal sealed class UnixMicrosecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => ToMicroseconds(value),
    value => FromMicroseconds(value))
{
    public static long ToMicroseconds(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromMicroseconds(long value) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (value * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
