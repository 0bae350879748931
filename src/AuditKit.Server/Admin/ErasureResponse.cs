namespace AuditKit.Server.Admin;

/// <summary>
/// The answer of an erasure: its id (the <c>resource_id</c> of the server record that records it) and how many events
/// it erased (0 when none of the tenant's events names the user any longer), and how many chained events had their JSON
/// fields rewritten (each with a signed erasure anchor).
/// </summary>
internal sealed record ErasureResponse(Guid ErasureId, long EventsErased, long EventsRewritten);
