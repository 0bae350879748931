using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuditKit.Masking;

/// <summary>
/// JSON-aware masking on top of <see cref="AuditMasker"/>: masks the values of sensitive properties (by
/// <see cref="AuditMasker.IsSensitiveName"/>) at any depth of a JSON document, either as a streamed UTF-8 text
/// (request and response bodies) or in place in a <see cref="JsonNode"/> tree (old and new values).
/// </summary>
/// <remarks>
/// A sensitive property whose value is an object or an array is masked as a whole: its JSON text becomes one masked
/// string, so nothing inside it leaks. Property names are kept; only values are replaced.
/// </remarks>
public sealed class AuditJsonMasker
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Indented = false, SkipValidation = true };

    private readonly AuditMasker _masker;

    /// <summary>Creates a JSON masker over <paramref name="masker"/>.</summary>
    public AuditJsonMasker(AuditMasker masker)
    {
        ArgumentNullException.ThrowIfNull(masker);
        _masker = masker;
    }

    /// <summary>The masker that decides which names are sensitive and how values are masked.</summary>
    public AuditMasker Masker => _masker;

    /// <summary>
    /// Copies <paramref name="utf8Json"/> to <paramref name="destination"/> with the values of sensitive properties
    /// masked with <see cref="AuditMaskingOptions.DefaultStyle"/>.
    /// </summary>
    /// <returns>
    /// <see langword="false"/> when the input is not valid JSON; <paramref name="destination"/> may then hold a
    /// partial document and must not be used (record no body, or a redacted one, instead).
    /// </returns>
    public bool TryMask(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new Utf8JsonWriter(destination, s_writerOptions);
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            var sawValue = false;
            while (reader.Read())
            {
                sawValue = true;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString();
                        writer.WritePropertyName(name!);
                        if (_masker.IsSensitiveName(name))
                        {
                            if (!reader.Read())
                            {
                                return false;
                            }

                            WriteMaskedValue(ref reader, utf8Json, writer);
                        }

                        break;
                    default:
                        WriteToken(ref reader, writer);
                        break;
                }
            }

            writer.Flush();
            return sawValue && writer.CurrentDepth == 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Returns <paramref name="json"/> with the values of sensitive properties masked, or <see langword="null"/> when
    /// it is not valid JSON.
    /// </summary>
    public string? MaskJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, json.Length));
        var utf8 = Encoding.UTF8.GetBytes(json);
        return TryMask(utf8, buffer) ? Encoding.UTF8.GetString(buffer.WrittenSpan) : null;
    }

    /// <summary>
    /// Masks, in place, the values of sensitive properties at any depth of <paramref name="node"/> with
    /// <see cref="AuditMaskingOptions.DefaultStyle"/>.
    /// </summary>
    public void MaskInPlace(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                List<string>? sensitive = null;
                foreach (var (key, value) in obj)
                {
                    if (_masker.IsSensitiveName(key))
                    {
                        (sensitive ??= []).Add(key);
                    }
                    else
                    {
                        MaskInPlace(value);
                    }
                }

                if (sensitive is not null)
                {
                    foreach (var key in sensitive)
                    {
                        obj[key] = MaskValue(obj[key], _masker.Options.DefaultStyle);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    MaskInPlace(item);
                }

                break;
        }
    }

    /// <summary>
    /// Masks a whole JSON value with <paramref name="style"/>: a string is masked as is, any other value (number,
    /// boolean, object, array) through its JSON text. A JSON <c>null</c> stays <see langword="null"/>.
    /// </summary>
    /// <param name="value">The value to mask; it is not modified.</param>
    /// <param name="style">How to mask it.</param>
    /// <param name="keepLast">For <see cref="MaskStyle.Partial"/>: how many trailing characters stay.</param>
    public JsonNode? MaskValue(JsonNode? value, MaskStyle style, int? keepLast = null)
    {
        if (value is null)
        {
            return null;
        }

        var text = value is JsonValue jsonValue && jsonValue.TryGetValue<string>(out var s) ? s : value.ToJsonString();
        return JsonValue.Create(_masker.Mask(text, style, keepLast));
    }

    private void WriteMaskedValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Json, Utf8JsonWriter writer)
    {
        string? clear;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                writer.WriteNullValue();
                return;
            case JsonTokenType.String:
                clear = reader.GetString();
                break;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                clear = Encoding.UTF8.GetString(utf8Json[start..(int)reader.BytesConsumed]);
                break;
            default:
                clear = Encoding.UTF8.GetString(reader.ValueSpan);
                break;
        }

        writer.WriteStringValue(_masker.Mask(clear, _masker.Options.DefaultStyle));
    }

    private static void WriteToken(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.String:
                writer.WriteStringValue(reader.GetString());
                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonTokenType.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                break;
        }
    }
}
