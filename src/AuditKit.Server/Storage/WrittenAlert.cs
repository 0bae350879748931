namespace AuditKit.Server.Storage;

/// <summary>An alert a pass raised or updated.</summary>
internal sealed record WrittenAlert(Guid Id, AlertMatch Match, bool Created);
