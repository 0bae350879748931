namespace AuditKit.Server.AuditLogs;

/// <summary>One page of groups: <c>{ "group_by", "user_id", "items", "total", "limit", "offset" }</c>.</summary>
/// <param name="GroupBy">What the events are grouped by: <c>ip_address</c> or <c>user_id</c>.</param>
/// <param name="UserId">The user whose events these are (a user's IP history); omitted otherwise.</param>
/// <param name="Items">The groups of the page.</param>
/// <param name="Total">How many groups there are in all.</param>
/// <param name="Limit">The page size used.</param>
/// <param name="Offset">The offset used.</param>
internal sealed record AuditGroupListResponse(
    string GroupBy,
    string? UserId,
    IReadOnlyList<AuditGroupItem> Items,
    long Total,
    int Limit,
    int Offset)
{
    /// <summary>The wire name of <paramref name="field"/>.</summary>
    public static string FieldName(AuditGroupField field) => field == AuditGroupField.IpAddress ? "ip_address" : "user_id";

    /// <summary>The answer for <paramref name="page"/> of groups by <paramref name="field"/>.</summary>
    public static AuditGroupListResponse From(AuditEventGroupPage page, AuditGroupField field, AuditEventQuery query, string? userId)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(query);
        var items = page.Items
            .Select(g => field == AuditGroupField.IpAddress
                ? new AuditGroupItem(g.Key, null, g.Count, g.FirstSeen, g.LastSeen)
                : new AuditGroupItem(null, g.Key, g.Count, g.FirstSeen, g.LastSeen))
            .ToList();
        return new AuditGroupListResponse(FieldName(field), userId, items, page.Total, query.Limit, query.Offset);
    }
}
