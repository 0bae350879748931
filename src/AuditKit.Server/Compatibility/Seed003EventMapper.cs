using AuditKit.Server.Ingest;

namespace AuditKit.Server.Compatibility;

/// <summary>
/// Maps an event of seed 003's audit service (<c>POST /events</c>) into the contract: <c>level</c> → <c>severity</c>
/// (INFO → LOW, WARN → MEDIUM, ERROR → HIGH, CRITICAL → CRITICAL), <c>message</c> → <c>description</c>,
/// <c>event_id</c> → <c>id</c> when it is a UUID; <c>category</c>, <c>action</c>, <c>service_name</c>, <c>user_id</c>,
/// <c>session_id</c>, <c>request_id</c>, <c>resource_type</c>, <c>resource_id</c>, <c>metadata</c>, <c>error_code</c>,
/// <c>error_message</c>, <c>stack_trace</c> and <c>duration_ms</c> keep their names. The status is FAILURE when the
/// event carries an error (<c>error_code</c>, <c>error_message</c> or <c>stack_trace</c>), otherwise SUCCESS, unless a
/// <c>status</c> is sent. Any other field is kept in <c>metadata</c> under its name.
/// </summary>
internal static class Seed003EventMapper
{
    public const string EventId = SeedEventMapping.EventIdField;
    public const string Level = "level";
    public const string Message = "message";

    /// <summary>
    /// The seed's levels and the contract's severities (answers give back the four the seed defines, see
    /// <see cref="LevelOf"/>); DEBUG, WARNING and FATAL, which Python's logging spells and older files hold, are read too.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, AuditSeverity> Levels = new Dictionary<string, AuditSeverity>(StringComparer.OrdinalIgnoreCase)
    {
        ["DEBUG"] = AuditSeverity.Low,
        ["INFO"] = AuditSeverity.Low,
        ["WARN"] = AuditSeverity.Medium,
        ["WARNING"] = AuditSeverity.Medium,
        ["ERROR"] = AuditSeverity.High,
        ["CRITICAL"] = AuditSeverity.Critical,
        ["FATAL"] = AuditSeverity.Critical,
    };

    /// <summary>The level answered for a stored severity.</summary>
    public static string LevelOf(AuditSeverity severity) => severity switch
    {
        AuditSeverity.Low => "INFO",
        AuditSeverity.Medium => "WARN",
        AuditSeverity.High => "ERROR",
        _ => "CRITICAL",
    };

    /// <summary>Maps one posted event (<paramref name="index"/> in its batch) and reads it as the native ingest does.</summary>
    public static ParsedAuditEvent Map(int index, JsonElement element, DateTimeOffset now, TimeSpan maxClockSkew)
    {
        JsonNode? severity = null, description = null;
        var failed = false;
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
                    case Level:
                        severity = MapLevel(value, errors);
                        return true;
                    case Message:
                        description = SeedEventMapping.Copy(value);
                        return true;
                    case AuditEventFields.Metadata when value.ValueKind == JsonValueKind.Null:
                        return true;
                    case AuditEventFields.Metadata when value.ValueKind != JsonValueKind.Object:
                        errors.Add(new AuditFieldError(AuditEventFields.Metadata, "must be a JSON object."));
                        return true;
                    default:
                        // A field of the contract is read as it is; one that carries an error makes the event a failure.
                        failed |= property.Name is AuditEventFields.ErrorCode or AuditEventFields.ErrorMessage or AuditEventFields.StackTrace
                            && value.ValueKind != JsonValueKind.Null;
                        return false;
                }
            },
            (native, metadata, _) =>
            {
                SeedEventMapping.Alias(AuditEventFields.Severity, Level, severity, native, metadata);
                SeedEventMapping.Alias(AuditEventFields.Description, Message, description, native, metadata);
                if (failed && native[AuditEventFields.Status] is null)
                {
                    native[AuditEventFields.Status] = "FAILURE";
                }
            });
    }

    private static JsonNode? MapLevel(JsonElement value, List<AuditFieldError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && Levels.TryGetValue(value.GetString()!.Trim(), out var severity))
        {
            return severity.ToString().ToUpperInvariant();
        }

        errors.Add(new AuditFieldError(Level, "must be one of INFO, WARN, ERROR, CRITICAL."));
        return null;
    }
}
