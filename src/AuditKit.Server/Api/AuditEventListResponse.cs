namespace AuditKit.Server.Api;

/// <summary>One page of events: <c>{ "items", "total", "limit", "offset", "next_cursor" }</c>.</summary>
/// <param name="Items">The events of the page.</param>
/// <param name="Total">How many events match the filter in all; omitted with <c>include_total=false</c>.</param>
/// <param name="Limit">The page size used.</param>
/// <param name="Offset">The offset used (0 when paging by cursor).</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to read the next page; omitted on the last page.</param>
internal sealed record AuditEventListResponse(
    IReadOnlyList<AuditEvent> Items,
    long? Total,
    int Limit,
    int Offset,
    string? NextCursor);
