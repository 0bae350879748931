using System.Buffers;
using System.Buffers.Text;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Turns an <see cref="AuditCursor"/> into the opaque <c>next_cursor</c> token clients pass back (base64url of a
/// small JSON object) and back. The token is not a secret: every read is scoped to the caller's tenant anyway.
/// </summary>
internal static class AuditCursorCodec
{
    private const int MaxTokenLength = 4096;

    public static string Encode(AuditCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("s", (int)cursor.SortBy);
            writer.WriteBoolean("d", cursor.Descending);
            if (cursor.Value is not null)
            {
                writer.WriteString("v", cursor.Value);
            }

            writer.WriteString("i", cursor.Id);
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }

    public static bool TryDecode(string? token, out AuditCursor cursor)
    {
        cursor = null!;
        if (!OpaqueToken.TryDecode(token, MaxTokenLength, out var json))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("s", out var sort) || sort.ValueKind != JsonValueKind.Number
                || !sort.TryGetInt32(out var sortValue) || !Enum.IsDefined((AuditSortField)sortValue)
                || !root.TryGetProperty("d", out var descending) || descending.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                || !root.TryGetProperty("i", out var id) || id.ValueKind != JsonValueKind.String || !id.TryGetGuid(out var idValue))
            {
                return false;
            }

            string? value = null;
            if (root.TryGetProperty("v", out var v))
            {
                if (v.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                value = v.GetString();
            }

            // A token is client input: a value this server could not have written must not reach the store.
            if (!AuditSortColumn.IsCursorValue((AuditSortField)sortValue, value))
            {
                return false;
            }

            cursor = new AuditCursor((AuditSortField)sortValue, descending.GetBoolean(), value, idValue);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string whose bytes are not UTF-8, or an escaped lone surrogate: not a token this server wrote.
            return false;
        }
    }
}
