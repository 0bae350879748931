using AuditKit.Server.Admin;
using AuditKit.Server.Integrity;

namespace AuditKit.Server.Retention;

/// <summary>
/// Deletes each tenant's events older than its retention (<see cref="RetentionOptions"/>), at start-up and every
/// <see cref="RetentionOptions.Interval"/>, together with what is derived from them by time: the per-minute and per-day
/// state of the detection rules, resolved alerts last seen before the cut and webhook deliveries made before it (the
/// hourly summary counts are kept right by their triggers). Each tenant's purge is recorded as an audit event in its
/// own log, the delete itself in <c>retention_cuts</c>, and the last event of each run of seqs it removed is signed as
/// an anchor, where verify resumes (docs/integrity.md, "Retention anchors").
/// </summary>
/// <remarks>
/// The cut is the start of a UTC hour, so whole hours of events go at a time. Events are deleted <see cref="RetentionOptions.BatchSize"/> at a time, each chunk in its own short transaction. Several
/// server processes may purge at once: a chunk deletes what is still there, so they only share the work. The
/// first-seen IPs of rule 8 are kept (one row per user and IP, not per event): dropping them would report every
/// long-known IP as new once more.
/// </remarks>
internal sealed partial class AuditRetentionService(
    IRetentionStore retention,
    IAuditEventStore store,
    CheckpointService checkpoints,
    AuditStorageMetrics metrics,
    IOptions<RetentionOptions> options,
    IOptions<EventPartitionOptions> partitions,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<AuditRetentionService> logger) : BackgroundService
{
    /// <summary>The <c>category</c> of the audit events recording a purge.</summary>
    public const string AuditCategory = ServerRecords.RetentionCategory;

    /// <summary>The <c>user_id</c> of the audit events recording a purge.</summary>
    public const string Actor = "auditkit-retention";

    private readonly SemaphoreSlim _gate = new(1, 1);

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    // The tables exist only once the host has started: the schema migration runs at start-up.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        lifetime.RunPeriodicallyAsync(PurgeAsync, ex => LogPurgeFailed(logger, ex), options.Value.Interval, timeProvider, stoppingToken);

    /// <summary>Purges every tenant whose retention is set; returns the events deleted per tenant (those with none left out).</summary>
    public async Task<IReadOnlyDictionary<string, long>> PurgeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deleted = new Dictionary<string, long>(StringComparer.Ordinal);
            var now = timeProvider.GetUtcNow();
            var tenants = await retention.TenantsAsync(cancellationToken).ConfigureAwait(false);
            await EnsurePartitionsAsync(now, cancellationToken).ConfigureAwait(false);
            var dropped = await DropPartitionsAsync(tenants, now, cancellationToken).ConfigureAwait(false);
            foreach (var tenant in tenants)
            {
                var days = options.Value.DaysFor(tenant);
                if (days == 0)
                {
                    continue;
                }

                var cut = Cut(now, days);
                var events = dropped.GetValueOrDefault(tenant) + await PurgeTenantAsync(tenant, cut, cancellationToken).ConfigureAwait(false);
                if (events > 0)
                {
                    deleted[tenant] = events;
                    metrics.Purged(events);
                    await RecordAsync(tenant, events, cut, days, now, cancellationToken).ConfigureAwait(false);
                    LogPurged(logger, events, tenant, cut, days);
                }
            }

            return deleted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The start of the UTC hour <paramref name="days"/> days before <paramref name="now"/>: events before it are deleted.</summary>
    internal static DateTimeOffset Cut(DateTimeOffset now, int days)
    {
        var cut = now.ToUniversalTime().AddDays(-days);
        return new DateTimeOffset(cut.UtcTicks - (cut.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
    }

    /// <summary>
    /// Creates the time partitions up to <see cref="EventPartitionOptions.Ahead"/> past <paramref name="now"/>
    /// (PostgreSQL). A failure is logged and the purge goes on: ingest does not need the partitions (the default one
    /// takes what none covers), and the next run tries again.
    /// </summary>
    private async Task EnsurePartitionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var created = await retention.EnsurePartitionsAsync(now, now + partitions.Value.Ahead, partitions.Value.Period, cancellationToken).ConfigureAwait(false);
            if (created > 0)
            {
                LogPartitionsCreated(logger, created);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPartitionsFailed(logger, ex);
        }
    }

    /// <summary>
    /// Drops whole the time partitions every tenant's retention has passed (the longest retention's cut; none when a
    /// tenant keeps its events), signing the anchors of each tenant's deleted runs as a row-by-row delete does; returns
    /// the events dropped per tenant. What a shorter retention reaches in newer partitions is deleted row by row after.
    /// </summary>
    private async Task<Dictionary<string, long>> DropPartitionsAsync(IReadOnlyList<string> tenants, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var dropped = new Dictionary<string, long>(StringComparer.Ordinal);
        var days = tenants.Select(options.Value.DaysFor).ToList();
        if (days.Count == 0 || days.Contains(0))
        {
            return dropped;
        }

        var before = Cut(now, days.Max());
        while (true)
        {
            var drops = await retention.DropPartitionAsync(before, cancellationToken).ConfigureAwait(false);
            if (drops.Count == 0)
            {
                return dropped;
            }

            foreach (var drop in drops)
            {
                dropped[drop.TenantId] = dropped.GetValueOrDefault(drop.TenantId) + drop.Chunk.Deleted;
                await checkpoints.SignAnchorsAsync(drop.TenantId, drop.Chunk.RunEnds, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<long> PurgeTenantAsync(string tenant, DateTimeOffset cut, CancellationToken cancellationToken)
    {
        long events = 0;
        while (true)
        {
            var chunk = await retention.DeleteEventsAsync(tenant, cut, options.Value.BatchSize, cancellationToken).ConfigureAwait(false);
            events += chunk.Deleted;
            if (chunk.RunEnds.Count > 0)
            {
                // The chain keeps its proof: the last event of each deleted run, signed, is where verify resumes.
                await checkpoints.SignAnchorsAsync(tenant, chunk.RunEnds, cancellationToken).ConfigureAwait(false);
            }

            if (chunk.Deleted < options.Value.BatchSize)
            {
                break;
            }
        }

        await retention.DeleteDerivedAsync(tenant, cut, cancellationToken).ConfigureAwait(false);
        return events;
    }

    /// <summary>Records the purge in the tenant's own log: deleting audit data is itself audited.</summary>
    private Task RecordAsync(string tenant, long events, DateTimeOffset cut, int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        var record = new AuditEvent
        {
            Id = AuditEventIds.New(now),
            Timestamp = now,
            TenantId = tenant,
            Source = ServerRecords.Source,
            Action = AuditActions.Delete,
            Category = AuditCategory,
            ResourceType = "AuditEvent",
            UserId = Actor,
            Status = AuditStatus.Success,
            Severity = AuditSeverity.Medium,
            ServiceName = AdminAuditRecorder.ServiceName,
            Description = string.Create(
                CultureInfo.InvariantCulture, $"Retention: {events} events older than {cut:yyyy-MM-dd'T'HH:mm'Z'} deleted (kept for {days} days)."),
            NewValues = new JsonObject
            {
                ["deleted_events"] = events,
                ["before"] = cut.ToString("O", CultureInfo.InvariantCulture),
                ["retention_days"] = days,
            },
        };
        return store.InsertAsync(tenant, [record], now, AuditInsertHooks.None, cancellationToken);
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Retention deleted {Events} events of tenant {TenantId} older than {Cut} ({Days} days)")]
    private static partial void LogPurged(ILogger logger, long events, string tenantId, DateTimeOffset cut, int days);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Retention created {Count} time partitions of the events table ahead")]
    private static partial void LogPartitionsCreated(ILogger logger, int count);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Creating the time partitions of the events table failed; ingest goes on (the default partition takes the events) and the next run tries again")]
    private static partial void LogPartitionsFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 701, Level = LogLevel.Error, Message = "Retention job failed; it runs again after its interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
