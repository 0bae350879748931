namespace AuditKit.Server.Storage;

/// <summary>One page of groups.</summary>
/// <param name="Items">The groups of the page, in order.</param>
/// <param name="Total">How many groups there are in all.</param>
internal sealed record AuditEventGroupPage(IReadOnlyList<AuditEventGroup> Items, long Total);
