namespace AuditKit.Server.Ingest;

/// <summary>
/// Reads one posted event from JSON into an <see cref="AuditEvent"/>, collecting an error per offending field instead
/// of failing on the first. Tolerant where older clients differ from the contract: <c>entity_type</c>,
/// <c>entity_id</c> and <c>log_type</c> are read as <c>resource_type</c>, <c>resource_id</c> and <c>category</c>;
/// <c>old_values</c> / <c>new_values</c> / <c>metadata</c> may be JSON objects or strings holding one; status and
/// severity may be in any case; actions are normalized to UPPER_SNAKE_CASE; ids may be numbers. Unknown fields are
/// ignored so newer clients can talk to this server.
/// </summary>
internal static class AuditEventReader
{
    /// <summary>
    /// Reads <paramref name="element"/>, fills defaults (<paramref name="now"/> as timestamp and a UUIDv7 id at the
    /// event's timestamp when they are missing), refuses an id that breaks <see cref="EventIdRule"/> and validates the result with <see cref="AuditEventValidator"/>. The server's own values
    /// (<see cref="ServerRecords"/>) and a timestamp more than <paramref name="maxClockSkew"/> (default
    /// <see cref="AuditKitServerOptions.DefaultMaxClockSkew"/>) after <paramref name="now"/> are refused.
    /// </summary>
    /// <returns>The event and its errors; the event is valid exactly when there are no errors.</returns>
    public static (AuditEvent Event, IReadOnlyList<AuditFieldError> Errors) Read(JsonElement element, DateTimeOffset now, TimeSpan? maxClockSkew = null)
    {
        var auditEvent = new AuditEvent { Action = string.Empty };
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (auditEvent, [new AuditFieldError(JsonSyntaxErrorLocator.BodyField, "must be a JSON object (one event).")]);
        }

        var errors = new List<AuditFieldError>();
        string? category = null, logType = null, resourceType = null, entityType = null, resourceId = null, entityId = null;

        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            if (!StorableJson.TryGetName(property, out var name))
            {
                // It might have been any field, so the event is not read as if that field were absent.
                AddOnce(errors, JsonSyntaxErrorLocator.BodyField, "holds a property name that is not valid UTF-8 text.");
                continue;
            }

            switch (name)
            {
                case AuditEventFields.Id:
                    auditEvent.Id = ReadId(value, errors);
                    break;
                case AuditEventFields.Timestamp:
                    auditEvent.Timestamp = ReadTimestamp(name, value, errors) ?? default;
                    break;
                case AuditEventFields.ReceivedAt:
                case AuditEventFields.ActionCanonical:
                    // Set by the server; a posted value is ignored.
                    break;
                case AuditEventFields.TenantId:
                    auditEvent.TenantId = ReadString(name, value, errors);
                    break;
                case AuditEventFields.Source:
                    auditEvent.Source = ReadString(name, value, errors)?.Trim().ToLowerInvariant() ?? AuditSources.Manual;
                    break;
                case AuditEventFields.Action:
                    auditEvent.Action = ReadString(name, value, errors) is { } action && !string.IsNullOrWhiteSpace(action)
                        ? AuditActions.Normalize(action)
                        : string.Empty;
                    break;
                case AuditEventFields.Category:
                    category = ReadString(name, value, errors);
                    break;
                case AuditEventFields.LegacyLogType:
                    logType = ReadString(name, value, errors);
                    break;
                case AuditEventFields.ResourceType:
                    resourceType = ReadString(name, value, errors);
                    break;
                case AuditEventFields.LegacyEntityType:
                    entityType = ReadString(name, value, errors);
                    break;
                case AuditEventFields.ResourceId:
                    resourceId = ReadIdentifier(name, value, errors);
                    break;
                case AuditEventFields.LegacyEntityId:
                    entityId = ReadIdentifier(name, value, errors);
                    break;
                case AuditEventFields.ResourceName:
                    auditEvent.ResourceName = ReadString(name, value, errors);
                    break;
                case AuditEventFields.UserId:
                    auditEvent.UserId = ReadIdentifier(name, value, errors);
                    break;
                case AuditEventFields.Username:
                    auditEvent.Username = ReadString(name, value, errors);
                    break;
                case AuditEventFields.UserEmail:
                    auditEvent.UserEmail = ReadString(name, value, errors);
                    break;
                case AuditEventFields.Status:
                    auditEvent.Status = ReadName<AuditStatus>(AuditEventFields.Status, value, AuditEnumNames.TryParseStatus, AuditEnumNames.StatusList, errors) ?? AuditStatus.Success;
                    break;
                case AuditEventFields.Severity:
                    auditEvent.Severity = ReadName<AuditSeverity>(AuditEventFields.Severity, value, AuditEnumNames.TryParseSeverity, AuditEnumNames.SeverityList, errors) ?? AuditSeverity.Low;
                    break;
                case AuditEventFields.ServiceName:
                    auditEvent.ServiceName = ReadString(name, value, errors);
                    break;
                case AuditEventFields.ServiceVersion:
                    auditEvent.ServiceVersion = ReadString(name, value, errors);
                    break;
                case AuditEventFields.Method:
                    auditEvent.Method = ReadString(name, value, errors)?.ToUpperInvariant();
                    break;
                case AuditEventFields.Path:
                    auditEvent.Path = ReadString(name, value, errors);
                    break;
                case AuditEventFields.Route:
                    auditEvent.Route = ReadString(name, value, errors);
                    break;
                case AuditEventFields.Query:
                    auditEvent.Query = ReadString(name, value, errors);
                    break;
                case AuditEventFields.StatusCode:
                    auditEvent.StatusCode = ReadInt32(name, value, errors);
                    break;
                case AuditEventFields.DurationMs:
                    auditEvent.DurationMs = ReadDouble(name, value, errors);
                    break;
                case AuditEventFields.IpAddress:
                    auditEvent.IpAddress = ReadString(name, value, errors)?.Trim() is { Length: > 0 } ip ? ip : null;
                    break;
                case AuditEventFields.UserAgent:
                    auditEvent.UserAgent = ReadString(name, value, errors);
                    break;
                case AuditEventFields.RequestId:
                    auditEvent.RequestId = ReadIdentifier(name, value, errors);
                    break;
                case AuditEventFields.TraceId:
                    auditEvent.TraceId = ReadString(name, value, errors);
                    break;
                case AuditEventFields.SessionId:
                    auditEvent.SessionId = ReadIdentifier(name, value, errors);
                    break;
                case AuditEventFields.Description:
                    auditEvent.Description = ReadString(name, value, errors);
                    break;
                case AuditEventFields.ErrorCode:
                    auditEvent.ErrorCode = ReadIdentifier(name, value, errors);
                    break;
                case AuditEventFields.ErrorMessage:
                    auditEvent.ErrorMessage = ReadString(name, value, errors);
                    break;
                case AuditEventFields.Changes:
                    auditEvent.Changes = ReadChanges(value, errors);
                    break;
                case AuditEventFields.OldValues:
                    auditEvent.OldValues = ReadObject(name, value, errors);
                    break;
                case AuditEventFields.NewValues:
                    auditEvent.NewValues = ReadObject(name, value, errors);
                    break;
                case AuditEventFields.Metadata:
                    auditEvent.Metadata = ReadObject(name, value, errors);
                    break;
                case AuditEventFields.Tags:
                    auditEvent.Tags = ReadTags(value, errors);
                    break;
                case AuditEventFields.DataClassification:
                    auditEvent.DataClassification = ReadString(name, value, errors);
                    break;
                case AuditEventFields.StackTrace:
                    auditEvent.StackTrace = ReadString(name, value, errors);
                    break;
                default:
                    break;
            }
        }

        // The contract's names win over the older clients' aliases when both are sent.
        auditEvent.Category = category ?? logType;
        auditEvent.ResourceType = resourceType ?? entityType;
        auditEvent.ResourceId = resourceId ?? entityId;

        if (auditEvent.Timestamp == default && !HasError(errors, AuditEventFields.Timestamp))
        {
            auditEvent.Timestamp = now;
        }

        // The id rule (EventIdRule): an id's time is its event's. A missing id is made at the event's timestamp; a
        // posted one must be a UUIDv7 of about that time (checked only against a timestamp that could be read).
        if (auditEvent.Id == Guid.Empty && !HasError(errors, AuditEventFields.Id))
        {
            auditEvent.Id = AuditEventIds.New(auditEvent.Timestamp > DateTimeOffset.UnixEpoch ? auditEvent.Timestamp : now);
        }
        else if (auditEvent.Id != Guid.Empty && !HasError(errors, AuditEventFields.Timestamp) && !EventIdRule.Holds(auditEvent.Id, auditEvent.Timestamp))
        {
            errors.Add(new AuditFieldError(AuditEventFields.Id, EventIdRule.Refusal));
        }

        RefuseServerValues(auditEvent, errors);
        if (auditEvent.Timestamp > now + (maxClockSkew ?? AuditKitServerOptions.DefaultMaxClockSkew) && !HasError(errors, AuditEventFields.Timestamp))
        {
            // A record dated ahead would sort above everything written after it; a late one (a client's spool) is fine.
            errors.Add(new AuditFieldError(
                AuditEventFields.Timestamp,
                string.Create(CultureInfo.InvariantCulture, $"must not be more than {maxClockSkew ?? AuditKitServerOptions.DefaultMaxClockSkew} ahead of the server's clock (AuditKit:MaxClockSkew).")));
        }

        // The validator re-checks every field; a field that could not even be read keeps only its read error.
        foreach (var error in AuditEventValidator.Validate(auditEvent))
        {
            if (!HasError(errors, error.Field))
            {
                errors.Add(error);
            }
        }

        return (auditEvent, errors);
    }

    // Only the server writes these values, so a reader of the log can tell its records from anything a key posted.
    private static void RefuseServerValues(AuditEvent auditEvent, List<AuditFieldError> errors)
    {
        const string Reserved = "is reserved for the records the AuditKit server writes about itself.";
        if (ServerRecords.IsReservedSource(auditEvent.Source) && !HasError(errors, AuditEventFields.Source))
        {
            errors.Add(new AuditFieldError(AuditEventFields.Source, $"'{ServerRecords.Source}' {Reserved}"));
        }

        if (ServerRecords.IsReservedCategory(auditEvent.Category) && !HasError(errors, AuditEventFields.Category))
        {
            errors.Add(new AuditFieldError(
                AuditEventFields.Category, $"must not be one of {string.Join(", ", ServerRecords.Categories)}: each {Reserved}"));
        }

        if (ServerRecords.IsReservedServiceName(auditEvent.ServiceName) && !HasError(errors, AuditEventFields.ServiceName))
        {
            errors.Add(new AuditFieldError(AuditEventFields.ServiceName, $"'{ServerRecords.ServiceName}' {Reserved}"));
        }
    }

    private static void AddOnce(List<AuditFieldError> errors, string field, string message)
    {
        if (!HasError(errors, field))
        {
            errors.Add(new AuditFieldError(field, message));
        }
    }

    private static bool HasError(List<AuditFieldError> errors, string field)
    {
        foreach (var error in errors)
        {
            if (error.Field == field)
            {
                return true;
            }
        }

        return false;
    }

    private static Guid ReadId(JsonElement value, List<AuditFieldError> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return Guid.Empty;
            case JsonValueKind.String when !StorableJson.TryGetString(value, out _):
                errors.Add(new AuditFieldError(AuditEventFields.Id, StorableJson.InvalidText));
                return Guid.Empty;
            case JsonValueKind.String when value.TryGetGuid(out var id) && id != Guid.Empty:
                return id;
            case JsonValueKind.String when value.ValueEquals(string.Empty):
                return Guid.Empty;
            default:
                errors.Add(new AuditFieldError(AuditEventFields.Id, "must be a UUID string (a UUIDv7 made with the event), or omitted for the server to assign one."));
                return Guid.Empty;
        }
    }

    private static DateTimeOffset? ReadTimestamp(string field, JsonElement value, List<AuditFieldError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            if (!StorableJson.TryGetString(value, out var text))
            {
                errors.Add(new AuditFieldError(field, StorableJson.InvalidText));
                return null;
            }

            if (RfcDateTime.TryParse(text, out var timestamp))
            {
                return timestamp;
            }
        }

        errors.Add(new AuditFieldError(field, "must be an RFC 3339 date-time string, e.g. 2024-05-01T12:30:00Z."));
        return null;
    }

    private static string? ReadString(string field, JsonElement value, List<AuditFieldError> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when StorableJson.TryGetString(value, out var text):
                return text;
            case JsonValueKind.String:
                errors.Add(new AuditFieldError(field, StorableJson.InvalidText));
                return null;
            case JsonValueKind.Null:
                return null;
            default:
                errors.Add(new AuditFieldError(field, $"must be a string (was {Describe(value.ValueKind)})."));
                return null;
        }
    }

    /// <summary>Identifiers may come as numbers from clients whose keys are integers.</summary>
    private static string? ReadIdentifier(string field, JsonElement value, List<AuditFieldError> errors) =>
        value.ValueKind == JsonValueKind.Number ? value.GetRawText() : ReadString(field, value, errors);

    private static int? ReadInt32(string field, JsonElement value, List<AuditFieldError> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when value.TryGetInt32(out var number):
                return number;
            default:
                errors.Add(new AuditFieldError(field, $"must be an integer (was {Describe(value.ValueKind)})."));
                return null;
        }
    }

    private static double? ReadDouble(string field, JsonElement value, List<AuditFieldError> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when value.TryGetDouble(out var number):
                return number;
            default:
                errors.Add(new AuditFieldError(field, $"must be a number (was {Describe(value.ValueKind)})."));
                return null;
        }
    }

    // A status or a severity: one of its wire names (in any case, see AuditEnumNames); null when null or blank.
    private static T? ReadName<T>(string field, JsonElement value, AuditEnumNames.Parser<T> parse, string names, List<AuditFieldError> errors)
        where T : struct
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && !StorableJson.TryGetString(value, out _))
        {
            errors.Add(new AuditFieldError(field, StorableJson.InvalidText));
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!.Trim();
            if (text.Length == 0)
            {
                return null;
            }

            if (parse(text, out var parsed))
            {
                return parsed;
            }
        }

        errors.Add(new AuditFieldError(field, $"must be one of {names} (any case)."));
        return null;
    }

    private static JsonObject? ReadObject(string field, JsonElement value, List<AuditFieldError> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Object:
                if (StorableJson.FindProblem(value) is { } problem)
                {
                    errors.Add(new AuditFieldError(field, problem));
                    return null;
                }

                // Cloned: the parsed document lives in a pooled buffer that is returned when the request ends.
                return JsonObject.Create(value.Clone());
            case JsonValueKind.String when !StorableJson.TryGetString(value, out _):
                errors.Add(new AuditFieldError(field, StorableJson.InvalidText));
                return null;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (string.IsNullOrWhiteSpace(text))
                {
                    return null;
                }

                try
                {
                    using var inner = JsonDocument.Parse(text);
                    switch (inner.RootElement.ValueKind)
                    {
                        case JsonValueKind.Null:
                            return null;
                        case JsonValueKind.Object when StorableJson.FindProblem(inner.RootElement) is { } innerProblem:
                            errors.Add(new AuditFieldError(field, innerProblem));
                            return null;
                        case JsonValueKind.Object:
                            return JsonObject.Create(inner.RootElement.Clone());
                        default:
                            break;
                    }
                }
                catch (JsonException)
                {
                }

                errors.Add(new AuditFieldError(field, "must be a JSON object, or a string holding a JSON object."));
                return null;
            default:
                errors.Add(new AuditFieldError(field, $"must be a JSON object (was {Describe(value.ValueKind)})."));
                return null;
        }
    }

    private static List<AuditChange>? ReadChanges(JsonElement value, List<AuditFieldError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new AuditFieldError(AuditEventFields.Changes, $"must be an array of {{\"property\", \"old\", \"new\"}} objects (was {Describe(value.ValueKind)})."));
            return null;
        }

        var changes = new List<AuditChange>(value.GetArrayLength());
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var change = new AuditChange();
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new AuditFieldError(Invariant($"{AuditEventFields.Changes}[{index}]"), "must be an object with \"property\", \"old\" and \"new\"."));
            }
            else
            {
                foreach (var property in item.EnumerateObject())
                {
                    if (!StorableJson.TryGetName(property, out var propertyName))
                    {
                        AddOnce(errors, Invariant($"{AuditEventFields.Changes}[{index}]"), "holds a property name that is not valid UTF-8 text.");
                        continue;
                    }

                    switch (propertyName)
                    {
                        case AuditEventFields.ChangeProperty:
                            change.Property = ReadString(Invariant($"{AuditEventFields.Changes}[{index}].{AuditEventFields.ChangeProperty}"), property.Value, errors) ?? string.Empty;
                            break;
                        case AuditEventFields.ChangeOld:
                            change.Old = ToNode(Invariant($"{AuditEventFields.Changes}[{index}].{AuditEventFields.ChangeOld}"), property.Value, errors);
                            break;
                        case AuditEventFields.ChangeNew:
                            change.New = ToNode(Invariant($"{AuditEventFields.Changes}[{index}].{AuditEventFields.ChangeNew}"), property.Value, errors);
                            break;
                        default:
                            break;
                    }
                }
            }

            changes.Add(change);
            index++;
        }

        return changes;
    }

    private static List<string>? ReadTags(JsonElement value, List<AuditFieldError> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new AuditFieldError(AuditEventFields.Tags, $"must be an array of strings (was {Describe(value.ValueKind)})."));
            return null;
        }

        var tags = new List<string>(value.GetArrayLength());
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && StorableJson.TryGetString(item, out var tag))
            {
                tags.Add(tag!);
            }
            else if (item.ValueKind == JsonValueKind.String)
            {
                errors.Add(new AuditFieldError(Invariant($"{AuditEventFields.Tags}[{index}]"), StorableJson.InvalidText));
            }
            else
            {
                errors.Add(new AuditFieldError(Invariant($"{AuditEventFields.Tags}[{index}]"), $"must be a string (was {Describe(item.ValueKind)})."));
            }

            index++;
        }

        return tags;
    }

    private static JsonNode? ToNode(string field, JsonElement value, List<AuditFieldError> errors)
    {
        if (StorableJson.FindProblem(value) is { } problem)
        {
            errors.Add(new AuditFieldError(field, problem));
            return null;
        }

        return ToNode(value);
    }

    private static JsonNode? ToNode(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Object => JsonObject.Create(value.Clone()),
        JsonValueKind.Array => JsonArray.Create(value.Clone()),
        _ => JsonValue.Create(value.Clone()),
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
