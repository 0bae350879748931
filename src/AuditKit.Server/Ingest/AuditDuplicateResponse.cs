namespace AuditKit.Server.Ingest;

/// <summary>
/// The answer to a single post whose id was stored before: the id and <c>"status": "duplicate"</c>, nothing of the
/// stored event — an ingest key may write but not read, and the id alone must not let it read.
/// </summary>
/// <param name="Id">The posted id.</param>
/// <param name="Status">Always <see cref="AuditBatchItemStatus.Duplicate"/>.</param>
internal sealed record AuditDuplicateResponse(Guid Id, string Status);
