using System.Text.Json;
using System.Text.Json.Nodes;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Import;

/// <summary>
/// Reads a line of the Python audit service's <c>audit.jsonl</c> (its <c>AuditEvent.to_dict()</c>): <c>event_id</c>
/// becomes <c>id</c> when it is a UUID; <c>level</c> becomes <c>severity</c> (INFO → LOW, WARN/WARNING → MEDIUM,
/// ERROR → HIGH, CRITICAL → CRITICAL, DEBUG → LOW); <c>message</c> becomes <c>description</c>; an <c>error_code</c>
/// or <c>error_message</c> makes the status FAILURE; <c>timestamp</c>, <c>category</c>, <c>action</c>,
/// <c>service_name</c>, the user, session, request and resource fields and <c>duration_ms</c> keep their names.
/// Nothing is dropped: <c>metadata</c> stays the metadata, and <c>level</c>, <c>stack_trace</c>, an <c>event_id</c>
/// that is not a UUID and every unknown field are added to it. The mapped event then goes through the ingest reader,
/// so it is validated as a posted event is.
/// </summary>
internal sealed class Seed003ImportLineMapper : IImportLineMapper
{
    private static readonly HashSet<string> s_sameName = new(StringComparer.Ordinal)
    {
        "timestamp", "category", "action", "service_name", "user_id", "session_id", "request_id", "resource_type",
        "resource_id", "error_code", "error_message", "duration_ms",
    };

    public string Format => AuditImportFormats.Seed003;

    public (AuditEvent Event, IReadOnlyList<AuditFieldError> Errors) Map(JsonElement line, ImportLineContext context)
    {
        if (line.ValueKind != JsonValueKind.Object)
        {
            return AuditEventReader.Read(line, context.Now, context.MaxClockSkew);
        }

        var mapped = new JsonObject();
        var metadata = new JsonObject();
        JsonObject? ownMetadata = null;
        var failed = false;
        foreach (var property in line.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "event_id" when value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id) && id != Guid.Empty:
                    mapped[AuditEventFields.Id] = id.ToString();
                    break;
                case "event_id" when value.ValueKind is JsonValueKind.Null:
                    break;
                case "level":
                    metadata["level"] = Node(value);
                    mapped[AuditEventFields.Severity] = value.ValueKind == JsonValueKind.String ? Severity(value.GetString()!) : Node(value);
                    break;
                case "message":
                    mapped[AuditEventFields.Description] = Node(value);
                    break;
                case "metadata" when value.ValueKind == JsonValueKind.Object:
                    ownMetadata = JsonObject.Create(value.Clone());
                    break;
                case "metadata" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "error_code" or "error_message":
                    failed |= value.ValueKind != JsonValueKind.Null;
                    mapped[property.Name] = Node(value);
                    break;
                case var name when s_sameName.Contains(name):
                    mapped[name] = Node(value);
                    break;
                default:
                    // stack_trace, an event_id that is no UUID, a metadata that is no object, and what a newer
                    // service adds: kept with the event.
                    metadata[property.Name] = Node(value);
                    break;
            }
        }

        if (failed)
        {
            mapped[AuditEventFields.Status] = nameof(AuditStatus.Failure).ToUpperInvariant();
        }

        if (ownMetadata is not null)
        {
            // The service's own metadata wins over a field of the same name moved into it.
            foreach (var (name, value) in ownMetadata.ToList())
            {
                ownMetadata.Remove(name);
                metadata[name] = value;
            }
        }

        if (metadata.Count > 0)
        {
            mapped[AuditEventFields.Metadata] = metadata;
        }

        using var document = JsonDocument.Parse(mapped.ToJsonString());
        var (auditEvent, errors) = AuditEventReader.Read(document.RootElement, context.Now, context.MaxClockSkew);
        if (!mapped.ContainsKey(AuditEventFields.Id))
        {
            auditEvent.Id = context.DerivedId;
        }

        return (auditEvent, errors);
    }

    private static JsonNode? Severity(string level) => level.Trim().ToUpperInvariant() switch
    {
        "DEBUG" or "INFO" => nameof(AuditSeverity.Low).ToUpperInvariant(),
        "WARN" or "WARNING" => nameof(AuditSeverity.Medium).ToUpperInvariant(),
        "ERROR" => nameof(AuditSeverity.High).ToUpperInvariant(),
        "CRITICAL" or "FATAL" => nameof(AuditSeverity.Critical).ToUpperInvariant(),
        // Not a level the service writes: the reader reports it as a bad severity.
        _ => level,
    };

    private static JsonNode? Node(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Object => JsonObject.Create(value.Clone()),
        JsonValueKind.Array => JsonArray.Create(value.Clone()),
        _ => JsonValue.Create(value.Clone()),
    };
}
