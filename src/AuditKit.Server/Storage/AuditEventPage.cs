namespace AuditKit.Server.Storage;

/// <summary>One page of results.</summary>
/// <param name="Items">The events of the page, in order.</param>
/// <param name="Total">
/// How many events match the filter in all (null when not requested); at most <see cref="AuditEventQuery.TotalCap"/>.
/// </param>
/// <param name="Next">Where the next page starts, or null on the last page.</param>
internal sealed record AuditEventPage(IReadOnlyList<AuditEvent> Items, long? Total, AuditCursor? Next)
{
    /// <summary>False when counting stopped at <see cref="AuditEventQuery.TotalCap"/>: there are at least <see cref="Total"/> matches.</summary>
    public bool TotalIsExact { get; init; } = true;
}
