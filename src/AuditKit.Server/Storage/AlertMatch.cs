namespace AuditKit.Server.Storage;

/// <summary>
/// A rule matched for a key in a pass: the span of the matching windows. Merged into the key's unresolved alert
/// (earliest first_seen, latest last_seen) or raised as a new one. <see cref="EarliestNew"/>, when known, is the
/// earliest of the pass's new events the rule considered for the key: when it is later than the unresolved alert's
/// last_seen, the pass only appends to the alert and its count can be extended instead of recomputed.
/// </summary>
internal sealed record AlertMatch(
    string Rule,
    string KeyType,
    string Key,
    AuditSeverity Severity,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string Details,
    AlertTally Tally,
    DateTimeOffset? EarliestNew = null);
