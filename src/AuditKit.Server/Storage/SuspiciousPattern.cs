namespace AuditKit.Server.Storage;

/// <summary>
/// A pattern over the period of a suspicious-activity report: a key whose events of one kind reach the threshold of
/// the matching rule over the whole period (not necessarily within the rule's window).
/// </summary>
/// <param name="Pattern"><c>failed_logins_by_ip</c>, <c>failed_logins_by_user</c>, <c>critical_events_by_user</c>, <c>deletes_by_user</c> or <c>exports_by_user</c>.</param>
/// <param name="KeyType"><c>ip</c> or <c>user</c>.</param>
/// <param name="Key">The IP or user id.</param>
/// <param name="Count">How many such events in the period.</param>
/// <param name="Distinct">Distinct users (for an IP) or IPs (for a user) among them.</param>
/// <param name="FirstSeen">The earliest of them.</param>
/// <param name="LastSeen">The latest of them.</param>
internal sealed record SuspiciousPattern(
    string Pattern,
    string KeyType,
    string Key,
    long Count,
    long Distinct,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);
