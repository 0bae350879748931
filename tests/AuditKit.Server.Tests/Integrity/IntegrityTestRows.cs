using System.Buffers;

namespace AuditKit.Server.Tests.Integrity;

/// <summary>Rows for the canonical form tests.</summary>
internal static class IntegrityTestRows
{
    public static AuditEventRow Row(long seq) => new()
    {
        TenantId = "acme",
        Id = Guid.CreateVersion7(),
        Seq = seq,
        Timestamp = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero),
        ReceivedAt = new DateTimeOffset(2026, 3, 2, 8, 0, 1, TimeSpan.Zero),
        Source = "http",
        Action = "READ",
        Salt = new byte[16],
    };

    /// <summary>The fields a vector gives as their stored JSON text (an export line has them inline).</summary>
    private static readonly HashSet<string> s_jsonFields = new(StringComparer.Ordinal) { "changes", "old_values", "new_values", "metadata", "tags" };

    /// <summary>
    /// A row from a vector's <c>event</c> (the stored fields by wire name, JSON fields as their stored text): the JSON
    /// fields are put inline, text unchanged, and the line is read by the server's own reader of exported events.
    /// </summary>
    public static AuditEventRow FromVector(JsonElement e)
    {
        var line = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(line))
        {
            writer.WriteStartObject();
            foreach (var property in e.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                if (s_jsonFields.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.String)
                {
                    writer.WriteRawValue(property.Value.GetString()!);
                }
                else
                {
                    property.Value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return AuditExportChainFile.ParseRow(line.WrittenSpan);
    }
}
