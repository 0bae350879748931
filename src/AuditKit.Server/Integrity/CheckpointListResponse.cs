namespace AuditKit.Server.Integrity;

/// <summary>One page of checkpoints, by seq: <c>{ "items", "limit", "next_cursor" }</c>.</summary>
/// <param name="Items">The checkpoints of the page.</param>
/// <param name="Limit">The page size used.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to read the next page; omitted on the last page.</param>
internal sealed record CheckpointListResponse(IReadOnlyList<CheckpointResponse> Items, int Limit, string? NextCursor);
