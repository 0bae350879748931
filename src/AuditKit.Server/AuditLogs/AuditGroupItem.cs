namespace AuditKit.Server.AuditLogs;

/// <summary>
/// One group of events: the IP address or the user they share (only the grouped field is present), how many there
/// are, and when the first and the last happened.
/// </summary>
/// <param name="IpAddress">The shared IP address, when grouped by IP.</param>
/// <param name="UserId">The shared user, when grouped by user.</param>
/// <param name="Count">How many events.</param>
/// <param name="FirstSeen">The earliest event's timestamp.</param>
/// <param name="LastSeen">The latest event's timestamp.</param>
internal sealed record AuditGroupItem(string? IpAddress, string? UserId, long Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
