namespace AuditKit.Server.Compatibility;

/// <summary>
/// Stored events written back in a seed's own shape: the seed's field names for what the mappers renamed, the fields
/// the mappers kept in metadata back where they were posted, and every other contract field under its own name.
/// </summary>
internal static class SeedEventAnswers
{
    /// <summary>Seed 001's event: <c>event_id</c>, <c>event_type</c>, <c>service</c>, <c>result</c>, <c>details</c>, <c>compliance_tags</c>.</summary>
    public static JsonObject Seed001(AuditEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var native = Native(stored);
        var answer = new JsonObject { [Seed001EventMapper.EventId] = stored.Id.ToString() };
        var metadata = Take(native, AuditEventFields.Metadata) as JsonObject;
        var result = metadata is not null ? Take(metadata, Seed001EventMapper.Result) : null;
        answer[Seed001EventMapper.EventType] = Take(native, AuditEventFields.Category);
        answer[Seed001EventMapper.Service] = Take(native, AuditEventFields.ServiceName);
        answer[Seed001EventMapper.Result] = result ?? stored.Status.ToString().ToLowerInvariant();
        Take(native, AuditEventFields.Status);
        answer[Seed001EventMapper.Details] = metadata is not null ? Take(metadata, Seed001EventMapper.Details) : null;
        answer[Seed001EventMapper.ComplianceTags] = Take(native, AuditEventFields.Tags) ?? new JsonArray();
        Take(native, AuditEventFields.Id);
        MoveAll(native, answer);
        if (metadata is not null)
        {
            // What the mapper kept in metadata was posted beside the known fields.
            foreach (var (name, value) in metadata.ToList())
            {
                metadata.Remove(name);
                answer.TryAdd(name, value);
            }
        }

        return answer;
    }

    /// <summary>Seed 003's event (its <c>AuditEvent</c> dataclass): <c>event_id</c>, <c>level</c>, <c>message</c>, <c>metadata</c>.</summary>
    public static JsonObject Seed003(AuditEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var native = Native(stored);
        var answer = new JsonObject
        {
            [Seed003EventMapper.EventId] = stored.Id.ToString(),
            [AuditEventFields.Timestamp] = Take(native, AuditEventFields.Timestamp),
            [Seed003EventMapper.Level] = Seed003EventMapper.LevelOf(stored.Severity),
            [AuditEventFields.Category] = Take(native, AuditEventFields.Category),
            [AuditEventFields.Action] = Take(native, AuditEventFields.Action),
            [AuditEventFields.ServiceName] = Take(native, AuditEventFields.ServiceName),
            [AuditEventFields.UserId] = Take(native, AuditEventFields.UserId),
            [AuditEventFields.SessionId] = Take(native, AuditEventFields.SessionId),
            [AuditEventFields.RequestId] = Take(native, AuditEventFields.RequestId),
            [AuditEventFields.ResourceType] = Take(native, AuditEventFields.ResourceType),
            [AuditEventFields.ResourceId] = Take(native, AuditEventFields.ResourceId),
            [Seed003EventMapper.Message] = Take(native, AuditEventFields.Description),
            [AuditEventFields.Metadata] = Take(native, AuditEventFields.Metadata) ?? new JsonObject(),
            [AuditEventFields.ErrorCode] = Take(native, AuditEventFields.ErrorCode),
            [AuditEventFields.ErrorMessage] = Take(native, AuditEventFields.ErrorMessage),
            [AuditEventFields.StackTrace] = Take(native, AuditEventFields.StackTrace),
            [AuditEventFields.DurationMs] = Take(native, AuditEventFields.DurationMs),
        };
        Take(native, AuditEventFields.Id);
        Take(native, AuditEventFields.Severity);
        MoveAll(native, answer);
        return answer;
    }

    /// <summary>The ids of a batch's items in order (null for an item that was rejected).</summary>
    public static JsonArray EventIds(AuditBatchResult result) =>
        new([.. result.Items.Select(static i => (JsonNode?)JsonValue.Create(i.Id?.ToString()))]);

    /// <summary>A count as JSON (totals are longs).</summary>
    public static JsonNode Count(long? value) => JsonValue.Create(value ?? 0);

    /// <summary>A time as the API writes it.</summary>
    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Native(AuditEvent stored) =>
        JsonSerializer.SerializeToNode(stored, AuditJsonContext.Default.AuditEvent)!.AsObject();

    private static JsonNode? Take(JsonObject json, string name)
    {
        if (!json.TryGetPropertyValue(name, out var value))
        {
            return null;
        }

        json.Remove(name);
        return value;
    }

    private static void MoveAll(JsonObject from, JsonObject to)
    {
        foreach (var (name, value) in from.ToList())
        {
            from.Remove(name);
            to.TryAdd(name, value);
        }
    }
}
