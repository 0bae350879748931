using AuditKit.Server.Auth;
using AuditKit.Server.Detection;

namespace AuditKit.Server.Ingest;

/// <summary>
/// Stores posted events for the calling key: binds each valid event to a tenant the key may write for, stores the
/// valid ones (per tenant, in one transaction each) and answers per event: accepted, duplicate or rejected. The newly
/// stored events of each committed transaction are recorded in the detection outbox by that transaction and handed to
/// detection.
/// </summary>
internal sealed partial class AuditIngestor(
    IAuditEventStore store,
    DetectionQueue detection,
    TimeProvider timeProvider,
    AuditIngestMetrics metrics,
    ILogger<AuditIngestor> logger)
{
    /// <summary>The current time at microsecond precision, the finest every store keeps.</summary>
    public DateTimeOffset Now => Microseconds(timeProvider.GetUtcNow());

    /// <summary>
    /// Stores the valid events of <paramref name="events"/> for <paramref name="caller"/>. Valid events are updated
    /// in place with their tenant and <see cref="AuditEvent.ReceivedAt"/>.
    /// </summary>
    public async Task<AuditBatchResult> IngestAsync(
        AuditCaller caller, IReadOnlyList<ParsedAuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(events);

        var receivedAt = Now;
        var items = new AuditBatchItemResult[events.Count];
        Dictionary<string, List<ParsedAuditEvent>>? byTenant = null;

        foreach (var parsed in events)
        {
            var auditEvent = parsed.Event;
            if (!parsed.IsValid)
            {
                items[parsed.Index] = Rejected(parsed, parsed.Errors);
                continue;
            }

            var tenant = string.IsNullOrWhiteSpace(auditEvent.TenantId) ? caller.TenantId! : auditEvent.TenantId;
            if (!caller.MayWriteFor(tenant))
            {
                items[parsed.Index] = Rejected(parsed, [new AuditFieldError("tenant_id", "is not a tenant this API key may write events for.")]);
                continue;
            }

            auditEvent.TenantId = tenant;
            auditEvent.Timestamp = Microseconds(auditEvent.Timestamp.ToUniversalTime());
            auditEvent.ReceivedAt = receivedAt;
            byTenant ??= new Dictionary<string, List<ParsedAuditEvent>>(StringComparer.Ordinal);
            if (!byTenant.TryGetValue(tenant, out var group))
            {
                byTenant[tenant] = group = [];
            }

            group.Add(parsed);
        }

        if (byTenant is not null)
        {
            foreach (var (tenant, group) in byTenant)
            {
                // With detection on, the new events are recorded in the detection outbox in the same transaction, so
                // they are evaluated even if this process stops before its own pass over them.
                var batchId = detection.Enabled ? Guid.CreateVersion7(receivedAt) : (Guid?)null;
                var hooks = batchId is { } outboxId ? DetectionOutbox.Record(outboxId, receivedAt) : AuditInsertHooks.None;
                var outcomes = await store.InsertLinkedAsync(tenant, [.. group.Select(static p => p.Event)], receivedAt, hooks, cancellationToken);
                for (var i = 0; i < group.Count; i++)
                {
                    items[group[i].Index] = new AuditBatchItemResult
                    {
                        Index = group[i].Index,
                        Id = group[i].Event.Id,
                        Status = outcomes[i].Outcome == AuditInsertOutcome.Inserted ? AuditBatchItemStatus.Accepted : AuditBatchItemStatus.Duplicate,
                        Seq = outcomes[i].Seq,
                        Hash = outcomes[i].Hash is { } hash ? Convert.ToHexStringLower(hash) : null,
                    };
                }

                if (batchId is { } id)
                {
                    await detection.EnqueueAsync(
                        tenant, id, group.Where((_, i) => outcomes[i].Outcome == AuditInsertOutcome.Inserted).Select(static p => p.Event), cancellationToken);
                }
            }
        }

        var result = new AuditBatchResult { Items = items };
        foreach (var item in items)
        {
            switch (item.Status)
            {
                case AuditBatchItemStatus.Accepted:
                    result.Accepted++;
                    break;
                case AuditBatchItemStatus.Duplicate:
                    result.Duplicates++;
                    break;
                default:
                    result.Rejected++;
                    break;
            }
        }

        metrics.Record(result);
        LogIngested(logger, caller.TenantId ?? "-", caller.KeyPrefix, result.Accepted, result.Duplicates, result.Rejected);
        return result;
    }

    private static AuditBatchItemResult Rejected(ParsedAuditEvent parsed, IReadOnlyList<AuditFieldError> errors) => new()
    {
        Index = parsed.Index,
        Id = parsed.Event.Id == Guid.Empty ? null : parsed.Event.Id,
        Status = AuditBatchItemStatus.Rejected,
        Errors = [.. errors],
    };

    private static DateTimeOffset Microseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug,
        Message = "Ingest for tenant {TenantId} with key {KeyPrefix}: {Accepted} accepted, {Duplicates} duplicate, {Rejected} rejected")]
    private static partial void LogIngested(ILogger logger, string tenantId, string keyPrefix, int accepted, int duplicates, int rejected);
}
