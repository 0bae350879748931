using AuditKit.Server.Detection;

namespace AuditKit.Server.Import;

/// <summary>
/// Stores the events of JSON Lines files for one tenant through the store's linked insert, as ingest stores them:
/// each batch in one transaction that extends the tenant's hash chain and, with detection on, records the batch in the
/// detection outbox, where a running server's sweeper evaluates it. Idempotent: events are deduplicated on
/// (tenant, id), and a line without an id gets one derived from its bytes (<see cref="ImportLineIds"/>), so importing a
/// file again stores nothing new. A bad line is reported with its line number and skipped.
/// </summary>
internal sealed partial class AuditImporter(
    IAuditEventStore store,
    IOptions<DetectionOptions> detection,
    IOptions<AuditKitServerOptions> serverOptions,
    TimeProvider timeProvider,
    ILogger<AuditImporter> logger)
{
    /// <summary>Events stored per transaction.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>
    /// Imports <paramref name="files"/> in the order given into <paramref name="tenantId"/>. With
    /// <paramref name="dryRun"/> the lines are only read and checked (nothing is stored: every valid event counts as
    /// neither stored nor duplicate).
    /// </summary>
    public async Task<AuditImportReport> ImportAsync(
        string tenantId,
        IReadOnlyList<string> files,
        IImportLineMapper mapper,
        bool dryRun,
        CancellationToken cancellationToken,
        int batchSize = DefaultBatchSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(mapper);

        var report = new AuditImportReport();
        var batch = new List<AuditEvent>(batchSize);
        foreach (var file in files)
        {
            long number = 0;
            using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                report.Read++;
                var (auditEvent, errors) = MapLine(tenantId, line, mapper);
                if (errors.Count > 0)
                {
                    report.Rejections.Add(new AuditImportRejection(file, number, errors));
                    continue;
                }

                if (dryRun)
                {
                    continue;
                }

                batch.Add(auditEvent);
                if (batch.Count == batchSize)
                {
                    await StoreAsync(tenantId, batch, report, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (batch.Count > 0)
        {
            await StoreAsync(tenantId, batch, report, cancellationToken).ConfigureAwait(false);
        }

        LogImported(logger, tenantId, mapper.Format, report.Read, report.Stored, report.Duplicates, report.Rejected);
        return report;
    }

    private (AuditEvent Event, IReadOnlyList<AuditFieldError> Errors) MapLine(string tenantId, string line, IImportLineMapper mapper)
    {
        if (Encoding.UTF8.GetByteCount(line) > AuditEventLimits.EventBytes)
        {
            return (new AuditEvent(), [new AuditFieldError("line", $"is longer than {AuditEventLimits.EventBytes} bytes, the most one event may take.")]);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return (new AuditEvent(), [new AuditFieldError("line", "is not JSON: " + e.Message)]);
        }

        using (document)
        {
            var context = new ImportLineContext(Microseconds(timeProvider.GetUtcNow()), serverOptions.Value.MaxClockSkew, ImportLineIds.Derive(tenantId, line));
            var (auditEvent, errors) = mapper.Map(document.RootElement, context);
            if (errors.Count == 0 && !string.IsNullOrWhiteSpace(auditEvent.TenantId) && !string.Equals(auditEvent.TenantId, tenantId, StringComparison.Ordinal))
            {
                return (auditEvent, [new AuditFieldError(AuditEventFields.TenantId, $"is '{auditEvent.TenantId}', not the tenant being imported ('{tenantId}').")]);
            }

            return (auditEvent, errors);
        }
    }

    private async Task StoreAsync(string tenantId, List<AuditEvent> batch, AuditImportReport report, CancellationToken cancellationToken)
    {
        var receivedAt = Microseconds(timeProvider.GetUtcNow());
        foreach (var auditEvent in batch)
        {
            auditEvent.TenantId = tenantId;
            auditEvent.Timestamp = Microseconds(auditEvent.Timestamp.ToUniversalTime());
            auditEvent.ReceivedAt = receivedAt;
        }

        // As ingest does: the new events are recorded in the detection outbox by the transaction that stores them.
        var hooks = detection.Value.Enabled ? DetectionOutbox.Record(Guid.CreateVersion7(receivedAt), receivedAt) : AuditInsertHooks.None;
        var outcomes = await store.InsertLinkedAsync(tenantId, [.. batch], receivedAt, hooks, cancellationToken).ConfigureAwait(false);
        foreach (var outcome in outcomes)
        {
            if (outcome.Outcome == AuditInsertOutcome.Inserted)
            {
                report.Stored++;
            }
            else
            {
                report.Duplicates++;
            }
        }

        batch.Clear();
    }

    private static DateTimeOffset Microseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    [LoggerMessage(EventId = 35, Level = LogLevel.Information,
        Message = "Import into tenant {TenantId} ({Format}): {Read} line(s) read, {Stored} stored, {Duplicates} already stored, {Rejected} rejected.")]
    private static partial void LogImported(ILogger logger, string tenantId, string format, long read, long stored, long duplicates, long rejected);
}
