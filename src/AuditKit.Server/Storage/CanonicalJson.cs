using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace AuditKit.Server.Storage;

/// <summary>
/// The canonical encoding of a JSON value (docs/integrity.md, "JSON values"): a tagged binary form in which two
/// texts that PostgreSQL's jsonb stores alike encode alike — whitespace, key order, duplicate keys (the last wins, as
/// in jsonb), string escapes and number spelling (<c>100</c>, <c>1e2</c> and <c>100.0</c>… see
/// <see cref="CanonicalNumber"/>) do not matter. jsonb does not keep the text it was given, so the text a store
/// answers cannot be what is hashed; the value can.
/// </summary>
internal static class CanonicalJson
{
    public const byte Null = 0x00;
    public const byte False = 0x01;
    public const byte True = 0x02;
    public const byte Number = 0x03;
    public const byte String = 0x04;
    public const byte Array = 0x05;
    public const byte Object = 0x06;

    private static readonly JsonDocumentOptions s_options = new() { MaxDepth = 256 };

    /// <summary>Parses <paramref name="json"/> and writes its canonical encoding.</summary>
    public static void Write(CanonicalWriter writer, string json)
    {
        using var document = JsonDocument.Parse(json, s_options);
        Write(writer, document.RootElement);
    }

    /// <summary>Writes the canonical encoding of <paramref name="value"/>.</summary>
    public static void Write(CanonicalWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                writer.WriteByte(Null);
                break;
            case JsonValueKind.False:
                writer.WriteByte(False);
                break;
            case JsonValueKind.True:
                writer.WriteByte(True);
                break;
            case JsonValueKind.Number:
                writer.WriteByte(Number);
                WriteNumber(writer, value);
                break;
            case JsonValueKind.String:
                writer.WriteByte(String);
                WriteString(writer, value);
                break;
            case JsonValueKind.Array:
                writer.WriteByte(Array);
                writer.WriteUInt32((uint)value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item);
                }

                break;
            case JsonValueKind.Object:
                WriteObject(writer, value);
                break;
            default:
                throw new ArgumentException($"Not a JSON value: {value.ValueKind}.", nameof(value));
        }
    }

    /// <summary>Writes a member name: a 4-byte length, then its UTF-8 bytes.</summary>
    public static void WriteName(CanonicalWriter writer, ReadOnlySpan<byte> name)
    {
        writer.WriteUInt32((uint)name.Length);
        writer.WriteBytes(name);
    }

    private static void WriteObject(CanonicalWriter writer, JsonElement value)
    {
        // Members sorted by the UTF-8 bytes of their names, then by position, so that of repeated names the last
        // wins, as in jsonb. A pooled array and no per-member closures: this runs for every JSON field of every event.
        var count = 0;
        var members = ArrayPool<Member>.Shared.Rent(16);
        try
        {
            foreach (var member in value.EnumerateObject())
            {
                if (count == members.Length)
                {
                    var larger = ArrayPool<Member>.Shared.Rent(count * 2);
                    members.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<Member>.Shared.Return(members, clearArray: true);
                    members = larger;
                }

                members[count] = new Member(EscapedName(member), member, count);
                count++;
            }

            var sorted = members.AsSpan(0, count);
            sorted.Sort(static (a, b) =>
            {
                var byName = a.Name.SequenceCompareTo(b.Name);
                return byName != 0 ? byName : a.Position.CompareTo(b.Position);
            });

            var distinct = 0;
            for (var i = 0; i < sorted.Length; i++)
            {
                if (i + 1 == sorted.Length || !sorted[i].Name.SequenceEqual(sorted[i + 1].Name))
                {
                    distinct++;
                }
            }

            writer.WriteByte(Object);
            writer.WriteUInt32((uint)distinct);
            for (var i = 0; i < sorted.Length; i++)
            {
                if (i + 1 < sorted.Length && sorted[i].Name.SequenceEqual(sorted[i + 1].Name))
                {
                    continue;
                }

                WriteName(writer, sorted[i].Name);
                Write(writer, sorted[i].Property.Value);
            }
        }
        finally
        {
            ArrayPool<Member>.Shared.Return(members, clearArray: true);
        }
    }

    /// <summary>
    /// A JSON number's value in one spelling: an optional <c>-</c>, the significant digits with no leading or
    /// trailing zeros, <c>e</c>, and the decimal exponent (<c>1e2</c> for 100, <c>15e-1</c> for 1.50, <c>-7e0</c> for
    /// -7); zero (and minus zero) is <c>0</c>.
    /// </summary>
    public static string CanonicalNumber(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (PlainInteger(text) is { } plain)
        {
            return plain;
        }

        var i = 0;
        var negative = text[0] == '-';
        if (negative)
        {
            i++;
        }

        var digits = new StringBuilder();
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            digits.Append(text[i++]);
        }

        var fraction = 0;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                digits.Append(text[i++]);
                fraction++;
            }
        }

        var exponent = BigInteger.Zero;
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            exponent = BigInteger.Parse(text.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            i = text.Length;
        }

        if (i != text.Length || digits.Length == 0)
        {
            throw new FormatException($"Not a JSON number: '{text}'.");
        }

        var significant = digits.ToString().TrimStart('0');
        if (significant.Length == 0)
        {
            return "0";
        }

        var trimmed = significant.TrimEnd('0');
        exponent += significant.Length - trimmed.Length - fraction;
        return (negative ? "-" : string.Empty) + trimmed + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The common case, an integer as JSON spells it (<c>-?[0-9]+</c>), without the general parse; null otherwise.</summary>
    private static string? PlainInteger(string text)
    {
        var digits = text.AsSpan(text[0] == '-' ? 1 : 0);
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        var significant = digits.TrimStart('0');
        if (significant.IsEmpty)
        {
            return "0";
        }

        var trimmed = significant.TrimEnd('0');
        var exponent = significant.Length - trimmed.Length;
        return string.Concat(text[0] == '-' ? "-" : string.Empty, trimmed, "e", exponent.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A string's value as UTF-8: the document's own bytes between the quotes when they hold no escape (the document
    /// was parsed from valid UTF-8, so they are exactly the UTF-8 of the unescaped value), without a string made and
    /// encoded again; otherwise the unescaped string, encoded.
    /// </summary>
    private static void WriteString(CanonicalWriter writer, JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"' && !raw[1..^1].Contains((byte)'\\'))
        {
            writer.WriteLengthPrefixed(raw[1..^1]);
            return;
        }

        writer.WriteLengthPrefixedUtf8(value.GetString()!);
    }

    /// <summary>
    /// <see cref="CanonicalNumber"/> of a number, written as a 4-byte length and its UTF-8; the common case, an integer
    /// spelled <c>-?[0-9]+</c>, straight from the document's bytes (the same spelling <see cref="PlainInteger"/> gives).
    /// </summary>
    private static void WriteNumber(CanonicalWriter writer, JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var negative = raw.Length > 0 && raw[0] == (byte)'-';
        var digits = raw[(negative ? 1 : 0)..];
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            writer.WriteLengthPrefixedUtf8(CanonicalNumber(value.GetRawText()));
            return;
        }

        var start = writer.BeginLength();
        var significant = digits.TrimStart((byte)'0');
        if (significant.IsEmpty)
        {
            writer.WriteByte((byte)'0');
        }
        else
        {
            var trimmed = significant.TrimEnd((byte)'0');
            if (negative)
            {
                writer.WriteByte((byte)'-');
            }

            writer.WriteBytes(trimmed);
            writer.WriteByte((byte)'e');
            Span<byte> exponent = stackalloc byte[11];
            (significant.Length - trimmed.Length).TryFormat(exponent, out var written, default, CultureInfo.InvariantCulture);
            writer.WriteBytes(exponent[..written]);
        }

        writer.EndLength(start);
    }

    /// <summary>A member's name as UTF-8 when it has an escape in the document (null when its raw bytes are the name).</summary>
    private static byte[]? EscapedName(JsonProperty member) =>
        JsonMarshal.GetRawUtf8PropertyName(member).Contains((byte)'\\') ? Encoding.UTF8.GetBytes(member.Name) : null;

    /// <summary>An object's member, its name as UTF-8: the document's bytes, or <see cref="Escaped"/> when it had an escape.</summary>
    private readonly record struct Member(byte[]? Escaped, JsonProperty Property, int Position)
    {
        public ReadOnlySpan<byte> Name => Escaped is { } escaped ? escaped : JsonMarshal.GetRawUtf8PropertyName(Property);
    }
}
