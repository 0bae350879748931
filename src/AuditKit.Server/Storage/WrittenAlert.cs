namespace AuditKit.Server.Storage;

/// <summary>
/// An alert a pass raised or updated, with its span as stored after the pass's upsert (<paramref name="FirstSeen"/> and
/// <paramref name="LastSeen"/>: the match's, widened by the unresolved alert it merged into).
/// </summary>
internal sealed record WrittenAlert(Guid Id, AlertMatch Match, bool Created, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
