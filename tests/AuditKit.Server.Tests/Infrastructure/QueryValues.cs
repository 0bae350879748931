namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>Values as the tests put them into a query string (imported project-wide, so <c>Q(time)</c> reads as a value).</summary>
public static class QueryValues
{
    /// <summary><paramref name="value"/> in round-trip (<c>O</c>) form, escaped for a query string.</summary>
    public static string Q(DateTimeOffset value) => Uri.EscapeDataString(value.ToString("O", CultureInfo.InvariantCulture));
}
