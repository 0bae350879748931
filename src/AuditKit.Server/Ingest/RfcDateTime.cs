namespace AuditKit.Server.Ingest;

/// <summary>
/// Parses RFC 3339 date-times (<c>2024-05-01T12:30:00Z</c>, <c>2024-05-01T14:30:00.123+02:00</c>) into UTC. A value
/// without an offset is taken as UTC (Python's <c>isoformat()</c> of a naive datetime), and a bare date as its
/// midnight UTC.
/// </summary>
internal static class RfcDateTime
{
    private static readonly string[] s_formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd' 'HH:mm:ssK",
        "yyyy-MM-dd' 'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd",
    ];

    /// <summary>
    /// A query parameter <paramref name="field"/> that is an RFC 3339 date-time, or null when it is absent; a bad one is
    /// reported with <paramref name="fail"/> (and is null too).
    /// </summary>
    public static DateTimeOffset? Parameter(string field, string? value, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (RfcDateTime.TryParse(value, out var date))
        {
            return date;
        }

        fail(field, "must be an RFC 3339 date-time, e.g. 2024-05-01T00:00:00Z.");
        return null;
    }

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Length > 64)
        {
            return false;
        }

        // A '+' in an unencoded query string arrives as a space: "…T10:00:00 02:00" means "+02:00".
        if (text.Length > 16 && text[^6] == ' ' && text[^3] == ':')
        {
            text = string.Concat(text.AsSpan(0, text.Length - 6), "+", text.AsSpan(text.Length - 5));
        }

        // Seven fractional digits is what .NET parses; RFC 3339 allows more, which are below a tick.
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        if (!DateTimeOffset.TryParseExact(
            text,
            s_formats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var parsed))
        {
            return false;
        }

        value = parsed.ToUniversalTime();
        return true;
    }
}
