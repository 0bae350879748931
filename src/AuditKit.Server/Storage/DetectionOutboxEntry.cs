namespace AuditKit.Server.Storage;

/// <summary>The detection outbox row a write records its new events under: the batch's id and when it was stored.</summary>
internal sealed record DetectionOutboxEntry(Guid BatchId, DateTimeOffset CreatedAt);
