using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuditKit.Middleware;

/// <summary>
/// Masks JSON by property name, at any depth: a property whose name is sensitive (<c>password</c>, <c>ssn</c>,
/// <c>apiKey</c>, ...) has its value masked (a string or number with the configured style, an object or array
/// replaced whole by the redacted text). Used for captured bodies and for the values of explicit events.
/// </summary>
internal sealed class JsonValueMasker(SensitiveNames names)
{
    private static readonly JsonDocumentOptions s_parseOptions = new() { MaxDepth = 64 };

    /// <summary>Masks <paramref name="node"/> in place and returns it.</summary>
    public JsonNode? Mask(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                List<string>? sensitive = null;
                foreach (var (name, value) in obj)
                {
                    if (names.IsSensitive(name))
                    {
                        (sensitive ??= []).Add(name);
                    }
                    else
                    {
                        Mask(value);
                    }
                }

                if (sensitive is not null)
                {
                    foreach (var name in sensitive)
                    {
                        obj[name] = MaskValue(obj[name]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Mask(item);
                }

                break;
        }

        return node;
    }

    /// <summary>Parses UTF-8 JSON and masks it; <see langword="null"/> when it is not valid JSON.</summary>
    public JsonNode? ParseAndMask(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = s_parseOptions.MaxDepth });
            return Mask(JsonNode.Parse(ref reader));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private JsonNode? MaskValue(JsonNode? value) => value switch
    {
        null => null,
        JsonValue primitive when primitive.GetValueKind() is JsonValueKind.String or JsonValueKind.Number =>
            JsonValue.Create(names.Masker.Mask(primitive.GetValueKind() == JsonValueKind.String
                ? primitive.GetValue<string>()
                : primitive.ToJsonString())),
        JsonValue primitive when primitive.GetValueKind() is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => primitive.DeepClone(),
        _ => JsonValue.Create(names.Masker.Options.RedactedText),
    };
}
