using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using AuditKit.Masking;

namespace AuditKit.EfCore;

/// <summary>
/// Turns model values (what the application sees, before any value converter) into JSON for old and new values,
/// masking them by rule. Common CLR types take a direct path; anything else goes through System.Text.Json.
/// </summary>
internal sealed class AuditValueEncoder(AuditMasker masker, int maxValueLength, int maxBinaryLength)
{
    private static readonly JsonSerializerOptions s_fallback = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        MaxDepth = 16,
    };

    // Complex collection elements keep their CLR property names, like every other path in an event.
    private static readonly JsonSerializerOptions s_elements = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        MaxDepth = 16,
    };

    /// <summary>Encodes the value of <paramref name="property"/>: a scalar by its rule, a complex collection as a JSON array.</summary>
    public JsonNode? Encode(object? value, AuditedProperty property)
        => property.Collection is null || value is null ? Encode(value, property.Rule) : EncodeCollection(value, property);

    /// <summary>Whether two complex collections hold the same elements, by their JSON.</summary>
    public static bool SameJson(System.Collections.IEnumerable left, System.Collections.IEnumerable right)
        => string.Equals(
            JsonSerializer.Serialize(left, left.GetType(), s_elements),
            JsonSerializer.Serialize(right, right.GetType(), s_elements),
            StringComparison.Ordinal);

    private JsonNode? EncodeCollection(object value, AuditedProperty property)
    {
        if (property.Rule.Masks)
        {
            return JsonValue.Create(masker.Mask(JsonSerializer.Serialize(value, value.GetType(), s_elements), property.Rule.Style!.Value, property.Rule.KeepLast));
        }

        var node = JsonSerializer.SerializeToNode(value, value.GetType(), s_elements);
        if (node is JsonArray { Count: > 0 } large && large.ToJsonString().Length is var length && length > maxValueLength * 16)
        {
            // An event must stay well under the contract's size limit; a huge collection is summarised instead.
            return JsonValue.Create($"({large.Count} elements, {length} characters)");
        }

        if (node is JsonArray elements && property.ElementRules is { Count: > 0 } rules)
        {
            foreach (var element in elements)
            {
                if (element is not JsonObject item)
                {
                    continue;
                }

                foreach (var (name, rule) in rules)
                {
                    if (item[name] is { } clear)
                    {
                        item[name] = rule.Ignore ? null : Encode(clear is JsonValue v && v.TryGetValue<string>(out var text) ? text : clear.ToJsonString(), rule);
                    }
                }

                foreach (var ignored in rules.Where(r => r.Value.Ignore).Select(r => r.Key))
                {
                    item.Remove(ignored);
                }
            }
        }

        return node;
    }

    public JsonNode? Encode(object? value, in PropertyAuditRule rule)
    {
        if (value is null)
        {
            return null;
        }

        if (rule.Masks)
        {
            return JsonValue.Create(masker.Mask(Text(value), rule.Style!.Value, rule.KeepLast));
        }

        return value switch
        {
            string s => JsonValue.Create(Bounded(s)),
            bool b => JsonValue.Create(b),
            int i => JsonValue.Create(i),
            long l => JsonValue.Create(l),
            short sh => JsonValue.Create(sh),
            byte by => JsonValue.Create(by),
            uint ui => JsonValue.Create(ui),
            ulong ul => JsonValue.Create(ul),
            ushort us => JsonValue.Create(us),
            sbyte sb => JsonValue.Create(sb),
            decimal m => JsonValue.Create(m),
            double d => double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture)),
            float f => float.IsFinite(f) ? JsonValue.Create(f) : JsonValue.Create(f.ToString(CultureInfo.InvariantCulture)),
            Guid g => JsonValue.Create(g),
            DateTime dt => JsonValue.Create(dt),
            DateTimeOffset dto => JsonValue.Create(dto),
            DateOnly date => JsonValue.Create(date.ToString("O", CultureInfo.InvariantCulture)),
            TimeOnly time => JsonValue.Create(time.ToString("O", CultureInfo.InvariantCulture)),
            TimeSpan span => JsonValue.Create(span.ToString("c", CultureInfo.InvariantCulture)),
            char c => JsonValue.Create(c.ToString()),
            Enum e => JsonValue.Create(e.ToString()),
            byte[] bytes => JsonValue.Create(Binary(bytes)),
            _ => Serialized(value),
        };
    }

    /// <summary>The text of a key value for <c>resource_id</c>, masked by rule.</summary>
    public string KeyText(object? value, in PropertyAuditRule rule)
    {
        var text = value is null ? string.Empty : Text(value);
        return rule.Masks ? masker.Mask(text, rule.Style!.Value, rule.KeepLast) ?? string.Empty : text;
    }

    private string Bounded(string value)
        => value.Length <= maxValueLength ? value : string.Concat(value.AsSpan(0, maxValueLength), "…");

    private string Binary(byte[] bytes)
        => bytes.Length <= maxBinaryLength ? Convert.ToBase64String(bytes) : $"({bytes.Length} bytes)";

    private JsonNode? Serialized(object value)
    {
        try
        {
            var node = JsonSerializer.SerializeToNode(value, value.GetType(), s_fallback);
            if (node is JsonValue or null)
            {
                return node;
            }

            var json = node.ToJsonString();
            return json.Length <= maxValueLength ? node : JsonValue.Create(Bounded(json));
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return JsonValue.Create(Bounded(value.ToString() ?? string.Empty));
        }
    }

    /// <summary>The clear text a masking style works on.</summary>
    private static string Text(object value) => value switch
    {
        string s => s,
        byte[] bytes => Convert.ToBase64String(bytes),
        DateTime dt => dt.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => SerializedText(value),
    };

    private static string SerializedText(object value)
    {
        try
        {
            return JsonSerializer.Serialize(value, value.GetType(), s_fallback);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return value.ToString() ?? string.Empty;
        }
    }
}
