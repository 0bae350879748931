namespace AuditKit.Server.Ingest;

/// <summary>
/// Turns an ingest request body into events. A single event is a JSON object; a batch is a JSON array of events or
/// an object <c>{"events": [...]}</c>. Malformed JSON fails the whole body with the path where it breaks; a
/// well-formed body yields one <see cref="ParsedAuditEvent"/> per posted event, valid or not.
/// </summary>
internal static class AuditIngestBody
{
    private const int MaxDepth = 64;

    private static readonly JsonDocumentOptions s_documentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Reads a single event.</summary>
    /// <returns>The event, or the errors that make the body unusable (malformed JSON).</returns>
    public static (ParsedAuditEvent? Event, IReadOnlyList<AuditFieldError> BodyErrors) ReadSingle(
        ReadOnlyMemory<byte> json, DateTimeOffset now, TimeSpan? maxClockSkew = null)
    {
        if (!TryParse(json, out var document, out var syntaxError))
        {
            return (null, [syntaxError]);
        }

        using (document)
        {
            var (auditEvent, errors) = AuditEventReader.Read(document.RootElement, now, maxClockSkew);
            return (new ParsedAuditEvent(0, auditEvent, errors), []);
        }
    }

    /// <summary>Reads a batch of at most <paramref name="maxEvents"/> events.</summary>
    /// <returns>
    /// The events; or the errors that make the body unusable (malformed JSON, neither an array nor
    /// <c>{"events": [...]}</c>, empty); or <c>TooMany</c> with the posted count when it exceeds the limit.
    /// </returns>
    public static BatchReadResult ReadBatch(ReadOnlyMemory<byte> json, int maxEvents, DateTimeOffset now, TimeSpan? maxClockSkew = null)
    {
        if (!TryParse(json, out var document, out var syntaxError))
        {
            return BatchReadResult.Invalid(syntaxError);
        }

        using (document)
        {
            var root = document.RootElement;
            JsonElement array;
            var field = "events";
            if (root.ValueKind == JsonValueKind.Array)
            {
                array = root;
                field = JsonSyntaxErrorLocator.BodyField;
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array)
            {
                array = events;
            }
            else
            {
                return BatchReadResult.Invalid(new AuditFieldError(
                    JsonSyntaxErrorLocator.BodyField, "must be a JSON array of events, or an object {\"events\": [...]}."));
            }

            var count = array.GetArrayLength();
            if (count == 0)
            {
                return BatchReadResult.Invalid(new AuditFieldError(field, "must hold at least one event."));
            }

            if (count > maxEvents)
            {
                return BatchReadResult.TooMany(count);
            }

            var parsed = new ParsedAuditEvent[count];
            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                var (auditEvent, errors) = AuditEventReader.Read(element, now, maxClockSkew);
                parsed[index] = new ParsedAuditEvent(index, auditEvent, errors);
                index++;
            }

            return BatchReadResult.Read(parsed);
        }
    }

    /// <summary>Parses a request body as the ingest does (bounded depth); on malformed JSON, the error names where it breaks.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> json, out JsonDocument document, out AuditFieldError syntaxError)
    {
        try
        {
            document = JsonDocument.Parse(json, s_documentOptions);
            syntaxError = null!;
            return true;
        }
        catch (JsonException)
        {
            var (field, message) = JsonSyntaxErrorLocator.Locate(json.Span, MaxDepth);
            document = null!;
            syntaxError = new AuditFieldError(field, message);
            return false;
        }
    }
}
