namespace AuditKit.Server.Ingest;

/// <summary>
/// The answer to a single post whose id was stored before: the id and <c>"status": "duplicate"</c>, nothing of the
/// stored event — an ingest key may write but not read, and the id alone must not let it read — but its place in the
/// chain (seq and hash), which a client keeps as its receipt whichever of its attempts stored the event.
/// </summary>
/// <param name="Id">The posted id.</param>
/// <param name="Status">Always <see cref="AuditBatchItemStatus.Duplicate"/>.</param>
/// <param name="Seq">The stored event's place in the tenant's chain (none for an event stored before the chain).</param>
/// <param name="Hash">The stored event's chain hash, hex.</param>
internal sealed record AuditDuplicateResponse(Guid Id, string Status, long? Seq, string? Hash);
