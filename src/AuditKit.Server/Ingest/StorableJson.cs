using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace AuditKit.Server.Ingest;

/// <summary>
/// Checks posted JSON values that both stores must hold. <see cref="JsonDocument"/> accepts a body whose strings hold
/// bytes that are not UTF-8 or escaped lone surrogates (<c>"\ud800"</c>) and only fails when such a string is read,
/// and PostgreSQL's jsonb refuses numbers beyond its numeric range; both would otherwise surface as a server error
/// while the event is being stored. Only bad input pays for the exception the reader throws.
/// </summary>
internal static class StorableJson
{
    /// <summary>The message for a string that is not text.</summary>
    public const string InvalidText = "must be valid UTF-8 text (no invalid bytes, no unpaired \\ud800-\\udfff surrogate escapes).";

    /// <summary>Numbers are kept as sent; beyond double precision's range they could not be read back by every client.</summary>
    public const int MaxDecimalExponent = 308;

    /// <summary>Longer numbers than any client's number type writes are refused, so no store's numeric limit is reached.</summary>
    public const int MaxNumberLength = 400;

    /// <summary>Reads a JSON string as text; false when its bytes or escapes do not make valid UTF-16.</summary>
    public static bool TryGetString(JsonElement value, out string? text)
    {
        try
        {
            text = value.GetString();
            return true;
        }
        catch (InvalidOperationException) when (value.ValueKind == JsonValueKind.String)
        {
            text = null;
            return false;
        }
    }

    /// <summary>Reads a property's name; false when it is not valid text.</summary>
    public static bool TryGetName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = string.Empty;
            return false;
        }
    }

    /// <summary>
    /// Why <paramref name="value"/> (an object, array or scalar of any depth) cannot be stored, naming where in it the
    /// problem lies; null when it can be.
    /// </summary>
    public static string? FindProblem(JsonElement value)
    {
        var path = new StringBuilder();
        return FindProblem(value, path);
    }

    private static string? FindProblem(JsonElement value, StringBuilder path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (!TryGetName(property, out var name))
                    {
                        return $"holds a property name that is not valid UTF-8 text{At(path)}.";
                    }

                    var length = path.Length;
                    path.Append('.').Append(name);
                    var problem = FindProblem(property.Value, path);
                    path.Length = length;
                    if (problem is not null)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var length = path.Length;
                    path.Append('[').Append(index++).Append(']');
                    var problem = FindProblem(item, path);
                    path.Length = length;
                    if (problem is not null)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.String:
                // An unescaped string is checked in place, without decoding it into a string of its own.
                var raw = JsonMarshal.GetRawUtf8Value(value);
                var valid = raw.Contains((byte)'\\') ? TryGetString(value, out _) : Utf8.IsValid(raw);
                return valid ? null : $"holds text that is not valid UTF-8 (or an unpaired surrogate escape){At(path)}.";
            case JsonValueKind.Number:
                return IsStorableNumber(JsonMarshal.GetRawUtf8Value(value))
                    ? null
                    : $"holds a number{At(path)} that is longer than {MaxNumberLength} characters or outside 1e-{MaxDecimalExponent} to 1e{MaxDecimalExponent} in magnitude.";
            default:
                return null;
        }
    }

    private static string At(StringBuilder path) => path.Length == 0 ? string.Empty : $" at '{path.ToString(1, path.Length - 1)}'";

    /// <summary>
    /// Whether a JSON number (already valid JSON syntax) is zero or has a magnitude within
    /// 1e-<see cref="MaxDecimalExponent"/> .. 1e<see cref="MaxDecimalExponent"/>, and is not overly long.
    /// </summary>
    internal static bool IsStorableNumber(ReadOnlySpan<byte> number)
    {
        if (number.Length > MaxNumberLength)
        {
            return false;
        }

        var i = number.Length > 0 && number[0] == (byte)'-' ? 1 : 0;

        // The decimal exponent of the first significant digit: 123.4 -> 2, 0.05 -> -2.
        var integerDigits = 0;
        var firstSignificant = int.MinValue;
        var position = 0;
        var seenPoint = false;
        for (; i < number.Length; i++)
        {
            var c = number[i];
            if (c == (byte)'.')
            {
                seenPoint = true;
                continue;
            }

            if (c is < (byte)'0' or > (byte)'9')
            {
                break;
            }

            if (!seenPoint)
            {
                integerDigits++;
            }

            if (c != (byte)'0' && firstSignificant == int.MinValue)
            {
                firstSignificant = position;
            }

            position++;
        }

        if (firstSignificant == int.MinValue)
        {
            return true;
        }

        long exponent = 0;
        if (i < number.Length)
        {
            // 'e' or 'E', an optional sign, then digits: the reader has already checked the syntax. The exponent is
            // saturated so that an absurdly long one cannot overflow.
            i++;
            var negative = false;
            if (number[i] is (byte)'+' or (byte)'-')
            {
                negative = number[i] == (byte)'-';
                i++;
            }

            for (; i < number.Length; i++)
            {
                exponent = Math.Min((exponent * 10) + (number[i] - (byte)'0'), 1_000_000);
            }

            if (negative)
            {
                exponent = -exponent;
            }
        }

        var magnitude = exponent + integerDigits - 1 - firstSignificant;
        return magnitude is >= -MaxDecimalExponent and <= MaxDecimalExponent;
    }
}
