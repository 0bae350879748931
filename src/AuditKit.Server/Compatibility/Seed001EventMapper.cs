using AuditKit.Server.Ingest;

namespace AuditKit.Server.Compatibility;

/// <summary>
/// Maps an event of seed 001's user-service (<c>POST /api/v2/events</c>) into the contract: <c>event_type</c> →
/// <c>category</c> (and <c>action</c> when none is sent), <c>service</c> → <c>service_name</c>, <c>result</c> →
/// <c>status</c>, <c>details</c> → <c>metadata.details</c>, <c>compliance_tags</c> → <c>tags</c>, <c>event_id</c> →
/// <c>id</c> when it is a UUID. The contract's own field names are read as they are; any other field is kept in
/// <c>metadata</c> under its name. Nothing posted is dropped.
/// </summary>
internal static class Seed001EventMapper
{
    public const string EventType = "event_type";
    public const string Service = "service";
    public const string Result = "result";
    public const string Details = "details";
    public const string ComplianceTags = "compliance_tags";
    public const string EventId = SeedEventMapping.EventIdField;

    /// <summary>Maps one posted event (<paramref name="index"/> in its batch) and reads it as the native ingest does.</summary>
    public static ParsedAuditEvent Map(int index, JsonElement element, DateTimeOffset now, TimeSpan maxClockSkew)
    {
        JsonNode? eventType = null, service = null, tags = null;
        JsonElement? result = null;
        return SeedEventMapping.Map(
            index,
            element,
            now,
            maxClockSkew,
            (property, metadata, errors) =>
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case EventType:
                        eventType = SeedEventMapping.Copy(value);
                        return true;
                    case Service:
                        service = SeedEventMapping.Copy(value);
                        return true;
                    case Result:
                        result = value.Clone();
                        return true;
                    case Details when value.ValueKind is JsonValueKind.Object or JsonValueKind.Null:
                        metadata[Details] = SeedEventMapping.Copy(value);
                        return true;
                    case Details:
                        errors.Add(new AuditFieldError(Details, "must be a JSON object."));
                        return true;
                    case ComplianceTags:
                        tags = SeedEventMapping.Copy(value);
                        return true;
                    default:
                        return false;
                }
            },
            (native, metadata, errors) =>
            {
                if (eventType is not null && native[AuditEventFields.Action] is null)
                {
                    native[AuditEventFields.Action] = eventType.DeepClone();
                }

                if (result is { } posted)
                {
                    MapResult(posted, native, metadata, errors);
                }

                SeedEventMapping.Alias(AuditEventFields.Category, EventType, eventType, native, metadata);
                SeedEventMapping.Alias(AuditEventFields.ServiceName, Service, service, native, metadata);
                SeedEventMapping.Alias(AuditEventFields.Tags, ComplianceTags, tags, native, metadata);
            });
    }

    /// <summary>
    /// <c>result</c> → <c>status</c>: <c>success</c>, <c>failure</c> and <c>pending</c> (any case) are the contract's
    /// statuses; <c>failed</c>, <c>error</c>, <c>denied</c> and <c>blocked</c> are failures. A word that is not the
    /// status itself (or a result sent beside the contract's <c>status</c>) is kept in <c>metadata.result</c>.
    /// </summary>
    private static void MapResult(JsonElement value, JsonObject native, JsonObject metadata, List<AuditFieldError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : null;
        var status = text?.ToUpperInvariant() switch
        {
            "SUCCESS" => "SUCCESS",
            "FAILURE" or "FAILED" or "ERROR" or "DENIED" or "BLOCKED" => "FAILURE",
            "PENDING" => "PENDING",
            _ => null,
        };
        if (status is null)
        {
            errors.Add(new AuditFieldError(Result, "must be success, failure or pending (failed, error, denied and blocked are read as failure)."));
            return;
        }

        if (native[AuditEventFields.Status] is null)
        {
            native[AuditEventFields.Status] = status;
            if (string.Equals(text, status, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        metadata[Result] = text;
    }
}
