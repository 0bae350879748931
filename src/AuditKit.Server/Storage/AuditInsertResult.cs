namespace AuditKit.Server.Storage;

/// <summary>
/// What happened to one event handed to <see cref="IAuditEventStore.InsertLinkedAsync"/>, and its place in the tenant's
/// chain: the new one when it was inserted, the stored one when it was a duplicate (no seq or hash for an event
/// stored before the chain existed).
/// </summary>
internal readonly record struct AuditInsertResult(AuditInsertOutcome Outcome, long? Seq, byte[]? Hash);
