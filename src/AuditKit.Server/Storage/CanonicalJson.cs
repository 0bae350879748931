using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

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
                writer.WriteLengthPrefixedUtf8(CanonicalNumber(value.GetRawText()));
                break;
            case JsonValueKind.String:
                writer.WriteByte(String);
                writer.WriteLengthPrefixedUtf8(value.GetString()!);
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

    /// <summary>Writes an object from its members (already chosen: each name once), sorted by the UTF-8 bytes of their names.</summary>
    public static void WriteObject(CanonicalWriter writer, List<(byte[] Name, Action<CanonicalWriter> Value)> members)
    {
        members.Sort(static (a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        writer.WriteByte(Object);
        writer.WriteUInt32((uint)members.Count);
        foreach (var (name, value) in members)
        {
            writer.WriteUInt32((uint)name.Length);
            writer.WriteBytes(name);
            value(writer);
        }
    }

    private static void WriteObject(CanonicalWriter writer, JsonElement value)
    {
        // The last of repeated names wins, as in jsonb.
        var byName = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            byName[member.Name] = member.Value;
        }

        var members = new List<(byte[] Name, Action<CanonicalWriter> Value)>(byName.Count);
        foreach (var (name, member) in byName)
        {
            members.Add((Encoding.UTF8.GetBytes(name), w => Write(w, member)));
        }

        WriteObject(writer, members);
    }

    /// <summary>
    /// A JSON number's value in one spelling: an optional <c>-</c>, the significant digits with no leading or
    /// trailing zeros, <c>e</c>, and the decimal exponent (<c>1e2</c> for 100, <c>15e-1</c> for 1.50, <c>-7e0</c> for
    /// -7); zero (and minus zero) is <c>0</c>.
    /// </summary>
    public static string CanonicalNumber(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
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
}
