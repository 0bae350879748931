using System.Collections.Frozen;
using AuditKit.Server.Ingest;

namespace AuditKit.Server.Compatibility;

/// <summary>
/// What the seed mappers share: a seed's payload is rewritten into the contract's JSON (its fields renamed, every
/// field the contract does not know kept in <c>metadata</c>) and read by the native <see cref="AuditEventReader"/>, so
/// the seeds' events pass the same validation, reserved-record rules and clock-skew bound as native ones.
/// </summary>
internal static class SeedEventMapping
{
    /// <summary>The contract's fields a seed's event may carry under their own names (read as they are).</summary>
    public static readonly FrozenSet<string> NativeFields = new[]
    {
        AuditEventFields.Id, AuditEventFields.Timestamp, AuditEventFields.TenantId, AuditEventFields.Source, AuditEventFields.Action,
        AuditEventFields.Category, AuditEventFields.ResourceType, AuditEventFields.ResourceId, AuditEventFields.ResourceName,
        AuditEventFields.UserId, AuditEventFields.Username, AuditEventFields.UserEmail, AuditEventFields.Status, AuditEventFields.Severity,
        AuditEventFields.ServiceName, AuditEventFields.ServiceVersion, AuditEventFields.Method, AuditEventFields.Path, AuditEventFields.Route,
        AuditEventFields.Query, AuditEventFields.StatusCode, AuditEventFields.DurationMs, AuditEventFields.IpAddress, AuditEventFields.UserAgent,
        AuditEventFields.RequestId, AuditEventFields.TraceId, AuditEventFields.SessionId, AuditEventFields.Description, AuditEventFields.ErrorCode,
        AuditEventFields.ErrorMessage, AuditEventFields.StackTrace, AuditEventFields.Changes, AuditEventFields.OldValues, AuditEventFields.NewValues,
        AuditEventFields.Tags, AuditEventFields.DataClassification,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The seeds' own event id (both seeds call it so).</summary>
    public const string EventIdField = "event_id";

    /// <summary>
    /// Maps one posted event (<paramref name="index"/> in its batch) and reads it as the native ingest does. Each field
    /// goes first to <paramref name="readSeedField"/> (with the metadata and errors so far), which returns true when it
    /// took the field as the seed's own; any other is mapped as every seed maps it: <c>event_id</c> as the contract's
    /// <c>id</c> when it is a UUID, <c>metadata</c>'s entries kept, the contract's own fields as they are, and anything
    /// else kept in <c>metadata</c> under its name. <paramref name="complete"/> then adds what the seed derives from its
    /// fields to the contract's JSON (with the metadata and errors).
    /// </summary>
    public static ParsedAuditEvent Map(
        int index,
        JsonElement element,
        DateTimeOffset now,
        TimeSpan maxClockSkew,
        Func<JsonProperty, JsonObject, List<AuditFieldError>, bool> readSeedField,
        Action<JsonObject, JsonObject, List<AuditFieldError>> complete)
    {
        ArgumentNullException.ThrowIfNull(readSeedField);
        ArgumentNullException.ThrowIfNull(complete);
        if (element.ValueKind != JsonValueKind.Object)
        {
            return NotAnObject(index);
        }

        var native = new JsonObject();
        var metadata = new JsonObject();
        var errors = new List<AuditFieldError>();
        foreach (var property in element.EnumerateObject())
        {
            if (readSeedField(property, metadata, errors))
            {
                continue;
            }

            var value = property.Value;
            switch (property.Name)
            {
                case EventIdField:
                    EventId(EventIdField, value, native, metadata);
                    break;
                case AuditEventFields.Metadata when value.ValueKind == JsonValueKind.Object:
                    foreach (var entry in value.EnumerateObject())
                    {
                        Unknown(entry.Name, entry.Value, metadata, errors);
                    }

                    break;
                case var name when NativeFields.Contains(name):
                    // The contract's name wins over a seed's (service_name over service, tags over compliance_tags).
                    native[name] = Copy(value);
                    break;
                default:
                    Unknown(property.Name, value, metadata, errors);
                    break;
            }
        }

        complete(native, metadata, errors);
        return Finish(index, native, metadata, errors, now, maxClockSkew);
    }

    /// <summary>Reads <paramref name="native"/> (the contract's JSON of one event) as the native ingest reads a posted event.</summary>
    public static ParsedAuditEvent Read(int index, JsonObject native, DateTimeOffset now, TimeSpan maxClockSkew)
    {
        using var document = JsonDocument.Parse(native.ToJsonString());
        var (auditEvent, errors) = AuditEventReader.Read(document.RootElement, now, maxClockSkew);
        return new ParsedAuditEvent(index, auditEvent, errors);
    }

    /// <summary>A copy of <paramref name="value"/> as a node (null for JSON null).</summary>
    public static JsonNode? Copy(JsonElement value) => JsonNode.Parse(value.GetRawText());

    /// <summary>
    /// The seed's own event id, as the contract's <c>id</c> when it is a UUID; otherwise kept in metadata under
    /// <paramref name="name"/> (the server then assigns a UUIDv7).
    /// </summary>
    public static void EventId(string name, JsonElement value, JsonObject native, JsonObject metadata)
    {
        if (value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id) && id != Guid.Empty)
        {
            native[AuditEventFields.Id] = id.ToString();
        }
        else if (value.ValueKind != JsonValueKind.Null)
        {
            metadata[name] = Copy(value);
        }
    }

    /// <summary>
    /// A seed's name for a contract field: its value goes to <paramref name="field"/>, unless the event also carries
    /// the contract's own name, which then wins and the seed's value is kept in metadata under <paramref name="seedName"/>.
    /// </summary>
    public static void Alias(string field, string seedName, JsonNode? value, JsonObject native, JsonObject metadata)
    {
        if (value is null)
        {
            return;
        }

        if (native[field] is null)
        {
            native[field] = value;
        }
        else
        {
            metadata[seedName] = value;
        }
    }

    /// <summary>Keeps an unknown field in metadata; an error naming it when metadata already holds that key.</summary>
    public static void Unknown(string name, JsonElement value, JsonObject metadata, List<AuditFieldError> errors)
    {
        if (metadata.ContainsKey(name))
        {
            errors.Add(new AuditFieldError(name, $"is not a known field and metadata already holds a '{name}' key: it would be lost, so nothing was stored."));
            return;
        }

        metadata[name] = Copy(value);
    }

    /// <summary>
    /// The parsed event: read from <paramref name="native"/>, or carrying the mapping's own errors (what could not be
    /// mapped) before those of the reader.
    /// </summary>
    public static ParsedAuditEvent Finish(
        int index, JsonObject native, JsonObject metadata, List<AuditFieldError> errors, DateTimeOffset now, TimeSpan maxClockSkew)
    {
        ReKey(native, metadata, now);
        if (metadata.Count > 0)
        {
            native[AuditEventFields.Metadata] = metadata;
        }

        var parsed = Read(index, native, now, maxClockSkew);
        return errors.Count == 0 ? parsed : parsed with { Errors = [.. errors, .. parsed.Errors] };
    }

    /// <summary>
    /// The id rule for the seeds' clients, which make their ids as they please (the Python service's <c>uuid4()</c>): a
    /// UUID that is not a UUIDv7 of about the event's timestamp (<see cref="EventIdRule"/>) is kept in metadata as
    /// <c>event_id</c> and the event stored under <see cref="EventIdRule.Derive"/> of it at the event's timestamp, so
    /// a retry of the same event is still recognised. A native route refuses such an id instead.
    /// </summary>
    private static void ReKey(JsonObject native, JsonObject metadata, DateTimeOffset now)
    {
        if (native[AuditEventFields.Id] is not JsonValue idValue
            || !idValue.TryGetValue<string>(out var idText)
            || !Guid.TryParse(idText, out var id)
            || id == Guid.Empty
            || metadata.ContainsKey(EventIdField))
        {
            return;
        }

        DateTimeOffset timestamp;
        if (native[AuditEventFields.Timestamp] is null)
        {
            timestamp = now;
        }
        else if (native[AuditEventFields.Timestamp] is not JsonValue timeValue
            || !timeValue.TryGetValue<string>(out var timeText)
            || !RfcDateTime.TryParse(timeText, out timestamp))
        {
            return;
        }

        if (!EventIdRule.Holds(id, timestamp))
        {
            metadata[EventIdField] = idText;
            native[AuditEventFields.Id] = EventIdRule.Derive(timestamp, id.ToString()).ToString();
        }
    }

    /// <summary>An error for a body that is not a JSON object.</summary>
    public static ParsedAuditEvent NotAnObject(int index) =>
        new(index, new AuditEvent { Action = string.Empty }, [new AuditFieldError(JsonSyntaxErrorLocator.BodyField, "must be a JSON object (one event).")]);
}
