using System.Text;

namespace AuditKit.Middleware;

/// <summary>
/// Masks the values of sensitive keys in a query string (<c>?user=bob&amp;password=x</c> →
/// <c>?user=bob&amp;password=***</c>). Keys are compared after URL-decoding, so <c>pass%77ord</c> is caught too. A
/// query with no sensitive key is returned as is, without allocating.
/// </summary>
internal sealed class QueryStringMasker(SensitiveNames names)
{
    /// <summary>The masked form of <paramref name="query"/> (which starts with <c>?</c>), bounded in length; <see langword="null"/> for an empty query.</summary>
    public string? Mask(string? query)
    {
        if (query is null || query.Length <= 1)
        {
            return null;
        }

        if (!HasSensitiveKey(query))
        {
            return Bound(query);
        }

        var builder = new StringBuilder(query.Length);
        builder.Append('?');
        var rest = query.AsSpan(1);
        var first = true;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            if (!first)
            {
                builder.Append('&');
            }

            first = false;
            var equals = pair.IndexOf('=');
            var rawKey = equals < 0 ? pair : pair[..equals];
            if (equals < 0 || !IsSensitiveKey(rawKey))
            {
                builder.Append(pair);
                continue;
            }

            var value = Decode(pair[(equals + 1)..]);
            builder.Append(rawKey).Append('=').Append(Encode(names.Masker.Mask(value) ?? string.Empty));
        }

        return Bound(builder.ToString());
    }

    /// <summary>The masked form of a form-urlencoded body (no leading <c>?</c>).</summary>
    public string MaskForm(string form)
    {
        var masked = Mask("?" + form);
        return masked is null ? string.Empty : masked[1..];
    }

    /// <summary>The masked form of one value, URL-encoded when the mask needs it.</summary>
    public string MaskValue(string value) => Encode(names.Masker.Mask(value) ?? string.Empty);

    private bool HasSensitiveKey(string query)
    {
        var rest = query.AsSpan(1);
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var equals = pair.IndexOf('=');
            if (IsSensitiveKey(equals < 0 ? pair : pair[..equals]))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSensitiveKey(ReadOnlySpan<char> rawKey)
    {
        if (rawKey.IsEmpty)
        {
            return false;
        }

        return rawKey.ContainsAny('%', '+') ? names.IsSensitive(Decode(rawKey)) : names.IsSensitive(rawKey);
    }

    private static string Decode(ReadOnlySpan<char> raw)
    {
        var text = raw.ToString();
        return Uri.UnescapeDataString(text.Replace('+', ' '));
    }

    private static string Encode(string masked) =>
        masked.AsSpan().ContainsAny("&=#%+ ?") ? Uri.EscapeDataString(masked) : masked;

    private static string Bound(string query) =>
        query.Length <= AuditEventLimits.Query ? query : query[..AuditEventLimits.Query];
}
