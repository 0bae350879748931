namespace AuditKit.Server.AuditLogs;

/// <summary>One page of events: <c>{ "items", "total", "limit", "offset", "next_cursor" }</c>.</summary>
/// <param name="Items">The events of the page.</param>
/// <param name="Total">How many events match the filter in all; omitted with <c>include_total=false</c>.</param>
/// <param name="TotalExact">
/// False when counting stopped at the server's cap: at least <paramref name="Total"/> events match. Omitted with
/// <paramref name="Total"/>.
/// </param>
/// <param name="Limit">The page size used.</param>
/// <param name="Offset">The offset used (0 when paging by cursor).</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to read the next page; omitted on the last page.</param>
internal sealed record AuditEventListResponse(
    IReadOnlyList<AuditEvent> Items,
    long? Total,
    bool? TotalExact,
    int Limit,
    int Offset,
    string? NextCursor)
{
    /// <summary>The answer for <paramref name="page"/> of <paramref name="query"/>.</summary>
    public static AuditEventListResponse From(AuditEventPage page, AuditEventQuery query)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(query);
        return new AuditEventListResponse(
            page.Items,
            page.Total,
            page.Total is null ? null : page.TotalIsExact,
            query.Limit,
            query.Offset,
            page.Next is { } next ? AuditCursorCodec.Encode(next) : null);
    }
}
