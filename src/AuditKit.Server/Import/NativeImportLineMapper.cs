using AuditKit.Server.Ingest;

namespace AuditKit.Server.Import;

/// <summary>
/// Reads a line of the contract with the ingest endpoint's reader: the same aliases, validation and refusal of the
/// server's reserved values as an event posted over HTTP.
/// </summary>
internal sealed class NativeImportLineMapper : IImportLineMapper
{
    public string Format => AuditImportFormats.Native;

    public (AuditEvent Event, IReadOnlyList<AuditFieldError> Errors) Map(JsonElement line, ImportLineContext context)
    {
        var (auditEvent, errors) = AuditEventReader.Read(line, context.Now, context.MaxClockSkew);
        if (line.ValueKind == JsonValueKind.Object && !NamesId(line, AuditEventFields.Id) && !errors.Any(static e => e.Field == AuditEventFields.Id))
        {
            // The reader made a fresh UUIDv7; an import needs the same id every time it reads this line.
            auditEvent.Id = ImportLineIds.At(context.DerivedId, auditEvent.Timestamp);
        }

        return (auditEvent, errors);
    }

    /// <summary>Whether <paramref name="line"/> carries a non-empty <paramref name="field"/>.</summary>
    internal static bool NamesId(JsonElement line, string field) =>
        line.TryGetProperty(field, out var id)
        && id.ValueKind != JsonValueKind.Null
        && !(id.ValueKind == JsonValueKind.String && id.ValueEquals(string.Empty));
}
