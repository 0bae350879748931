namespace AuditKit.Server.Common;

/// <summary>
/// The whole numbers of a query string (a page size, how many to skip), read alike by every list: digits only (no
/// sign, no spaces, no fraction), a blank value meaning the default.
/// </summary>
internal static class QueryNumbers
{
    /// <summary>
    /// Query parameter <paramref name="field"/> as a count from 1 to <paramref name="max"/>, or
    /// <paramref name="fallback"/> when it is blank; anything else is reported with <paramref name="fail"/>.
    /// </summary>
    public static int Count(string field, string? value, int fallback, int max, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > max)
        {
            fail(field, $"must be an integer between 1 and {max}.");
        }

        return count;
    }

    /// <summary>
    /// Query parameter <paramref name="field"/> as how many to skip, zero or more (0 when it is blank); anything else is
    /// reported with <paramref name="fail"/>.
    /// </summary>
    public static int Offset(string field, string? value, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        var offset = 0;
        if (!string.IsNullOrWhiteSpace(value) && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            fail(field, "must be an integer, zero or more.");
        }

        return offset;
    }
}
