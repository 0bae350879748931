namespace AuditKit.Server.Detection;

/// <summary>
/// A rule matched for a key in a pass: the span of the matching windows. Merged into the key's unresolved alert
/// (earliest first_seen, latest last_seen) or raised as a new one.
/// </summary>
internal sealed record AlertMatch(
    string Rule,
    string KeyType,
    string Key,
    AuditSeverity Severity,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string Details,
    AlertTally Tally);
