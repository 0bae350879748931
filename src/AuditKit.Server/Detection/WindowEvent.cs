namespace AuditKit.Server.Detection;

/// <summary>One event of a key as a window rule sees it.</summary>
/// <param name="Timestamp">Event time.</param>
/// <param name="Id">The event id (ties on time are ordered by id).</param>
/// <param name="Value">What distinct-count rules count (a user or an IP); null for plain counts.</param>
/// <param name="IsNew">Whether the event is one of the pass's newly stored events.</param>
internal readonly record struct WindowEvent(DateTimeOffset Timestamp, Guid Id, string? Value, bool IsNew);
