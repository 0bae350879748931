namespace AuditKit.Server.Storage;

/// <summary>
/// A keyset position: the sort field's value of the last row of a page (as its invariant string form) and that row's
/// id. Serialized opaquely for clients by the API layer. A store rejects a value it could not have written with an
/// <see cref="ArgumentException"/> whose parameter name is <c>cursor</c>.
/// </summary>
internal sealed record AuditCursor(AuditSortField SortBy, bool Descending, string? Value, Guid Id);
