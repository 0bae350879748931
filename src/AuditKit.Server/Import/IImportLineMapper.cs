namespace AuditKit.Server.Import;

/// <summary>
/// Turns one line of an imported JSON Lines file into an event of the contract, validated as ingest validates it.
/// One implementation per file format (<see cref="AuditImportFormats"/>).
/// </summary>
internal interface IImportLineMapper
{
    /// <summary>The format's name, as given to <c>import --format</c>.</summary>
    string Format { get; }

    /// <summary>
    /// Maps <paramref name="line"/> (a parsed JSON value). A line that names no event id gets
    /// <see cref="ImportLineContext.DerivedId"/>, so importing the same line again finds it stored.
    /// </summary>
    /// <returns>The event and its errors; the event is stored only when there are none.</returns>
    (AuditEvent Event, IReadOnlyList<AuditFieldError> Errors) Map(JsonElement line, ImportLineContext context);
}
