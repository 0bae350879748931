using AuditKit.Server.Compatibility;

namespace AuditKit.Server.Import;

/// <summary>
/// Reads a line of the Python audit service's <c>audit.jsonl</c> (its <c>AuditEvent.to_dict()</c>) exactly as its
/// HTTP routes are read (<see cref="Seed003EventMapper"/>, docs/migrating.md): <c>level</c> → <c>severity</c>,
/// <c>message</c> → <c>description</c>, <c>stack_trace</c> kept in its field, <c>event_id</c> → <c>id</c> when it is a
/// UUID, an <c>error_code</c>, <c>error_message</c> or <c>stack_trace</c> makes the status FAILURE, and every unknown
/// field is kept in <c>metadata</c>. A line without a usable id gets <see cref="ImportLineContext.DerivedId"/>.
/// </summary>
internal sealed class Seed003ImportLineMapper : IImportLineMapper
{
    public string Format => AuditImportFormats.Seed003;

    public (AuditEvent Event, IReadOnlyList<AuditFieldError> Errors) Map(JsonElement line, ImportLineContext context)
    {
        var parsed = Seed003EventMapper.Map(0, line, context.Now, context.MaxClockSkew);
        if (!HasId(line))
        {
            parsed.Event.Id = ImportLineIds.At(context.DerivedId, parsed.Event.Timestamp);
        }

        return (parsed.Event, parsed.Errors);
    }

    private static bool HasId(JsonElement line) =>
        line.ValueKind == JsonValueKind.Object
        && (IsId(line, AuditEventFields.Id) || IsId(line, Seed003EventMapper.EventId));

    private static bool IsId(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
        && Guid.TryParse(value.GetString(), out var id)
        && id != Guid.Empty;
}
