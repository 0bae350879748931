namespace AuditKit.Server.Storage;

/// <summary>The events sharing one value of an <see cref="AuditGroupField"/>: how many, and when first and last.</summary>
/// <param name="Key">The shared value (an IP address or a user id).</param>
/// <param name="Count">How many events have it.</param>
/// <param name="FirstSeen">The earliest event's timestamp.</param>
/// <param name="LastSeen">The latest event's timestamp.</param>
internal sealed record AuditEventGroup(string Key, long Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
