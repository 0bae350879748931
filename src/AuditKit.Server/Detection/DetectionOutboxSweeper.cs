namespace AuditKit.Server.Detection;

/// <summary>
/// Evaluates the batches a stopped (crashed, killed, or out of shutdown time) server process left in
/// <c>detection_outbox</c>, and those whose pass failed: at start-up and every
/// <see cref="DetectionOptions.SweepInterval"/>, the batches older than <see cref="DetectionOptions.SweepGracePeriod"/>.
/// </summary>
/// <remarks>
/// Several processes sweep one database safely. A sweep claims batches for <see cref="DetectionOptions.SweepClaimLease"/>
/// (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL), so two sweeps share the work rather than queue for the same
/// batches; and the evaluation itself claims each batch again by deleting its outbox row under the tenant's detection
/// lock (see <see cref="AlertDetector"/>), so a batch is evaluated exactly once even when a sweep and the process that
/// stored it, or two sweeps after a lease ran out, reach it at the same time.
/// </remarks>
internal sealed partial class DetectionOutboxSweeper(
    IDetectionStore store,
    AlertDetector detector,
    DetectionMetrics metrics,
    IOptions<DetectionOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<DetectionOutboxSweeper> logger) : BackgroundService
{
    /// <summary>Outbox rows claimed at a time.</summary>
    private const int ClaimSize = 50;

    /// <summary>The longest a batch that keeps failing waits between two tries.</summary>
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(6);

    private readonly SemaphoreSlim _gate = new(1, 1);

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    // The outbox is read only once the host has started: the schema migration runs at start-up.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled
            ? lifetime.RunPeriodicallyAsync(SweepAsync, ex => LogSweepFailed(logger, ex), options.Value.SweepInterval, timeProvider, stoppingToken)
            : Task.CompletedTask;

    /// <summary>
    /// Evaluates the outbox batches older than the grace period that no other sweep holds; returns how many batches
    /// this sweep evaluated (not those it found already evaluated).
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var evaluated = 0;
            while (true)
            {
                var claimed = await ClaimAsync(cancellationToken).ConfigureAwait(false);
                foreach (var tenant in claimed.GroupBy(static c => c.TenantId, StringComparer.Ordinal))
                {
                    foreach (var pass in Passes(tenant, options.Value.MaxEventsPerPass))
                    {
                        evaluated += await EvaluateAsync(tenant.Key, pass, cancellationToken).ConfigureAwait(false);
                    }
                }

                // Batches that failed keep their lease, so the next claim does not see them again.
                if (claimed.Count < ClaimSize)
                {
                    return evaluated;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The claimed batches of a tenant in passes of at most <paramref name="maxEvents"/> events (at least one batch each).</summary>
    private static IEnumerable<List<ClaimedBatch>> Passes(IEnumerable<ClaimedBatch> batches, int maxEvents)
    {
        var pass = new List<ClaimedBatch>();
        var events = 0;
        foreach (var batch in batches)
        {
            if (pass.Count > 0 && events + batch.EventCount > maxEvents)
            {
                yield return pass;
                pass = [];
                events = 0;
            }

            pass.Add(batch);
            events += batch.EventCount;
        }

        if (pass.Count > 0)
        {
            yield return pass;
        }
    }

    private async Task<int> EvaluateAsync(string tenantId, List<ClaimedBatch> batches, CancellationToken cancellationToken)
    {
        try
        {
            var result = await detector.EvaluateStoredAsync(tenantId, [.. batches.Select(static b => b.Id)], cancellationToken).ConfigureAwait(false);
            if (result.Batches > 0)
            {
                metrics.Swept(result.Batches);
                LogSwept(logger, result.Batches, result.Events, tenantId, result.Alerts.Count);
            }

            return result.Batches;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Failed();
            if (batches.Count == 1)
            {
                var delay = await PostponeAsync(batches[0], cancellationToken).ConfigureAwait(false);
                LogBatchFailed(logger, ex, batches[0].Id, tenantId, batches[0].Attempts + 1, delay);
                return 0;
            }

            // One bad batch must not hold back the others: evaluate them one by one.
            var evaluated = 0;
            foreach (var batch in batches)
            {
                evaluated += await EvaluateAsync(tenantId, [batch], cancellationToken).ConfigureAwait(false);
            }

            return evaluated;
        }
    }

    private Task<IReadOnlyList<ClaimedBatch>> ClaimAsync(CancellationToken cancellationToken) =>
        store.ClaimDueBatchesAsync(timeProvider.GetUtcNow(), options.Value.SweepGracePeriod, options.Value.SweepClaimLease, ClaimSize, cancellationToken);

    /// <summary>
    /// Records that a sweep failed to evaluate the batch and holds it back for longer each time: the claim lease after
    /// the first failure, then twice as long after each further one, up to <see cref="MaxRetryDelay"/>. A batch that
    /// cannot be evaluated (a bug, data the rules choke on) is never dropped, but it does not fill the log every lease.
    /// </summary>
    private async Task<TimeSpan> PostponeAsync(ClaimedBatch batch, CancellationToken cancellationToken)
    {
        var attempts = batch.Attempts + 1;
        var delay = RetryDelay(options.Value.SweepClaimLease, attempts);
        await store.PostponeBatchAsync(batch, attempts, timeProvider.GetUtcNow() + delay, cancellationToken).ConfigureAwait(false);
        return delay;
    }

    /// <summary>How long a batch that failed <paramref name="attempts"/> times waits before the next try.</summary>
    internal static TimeSpan RetryDelay(TimeSpan lease, int attempts)
    {
        var delay = lease;
        for (var i = 1; i < attempts && delay < MaxRetryDelay; i++)
        {
            delay *= 2;
        }

        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    [LoggerMessage(EventId = 620, Level = LogLevel.Information, Message = "Outbox sweep evaluated {Batches} batches ({Events} events) of tenant {TenantId} left by a stopped process or a failed pass; {Alerts} alerts raised or updated")]
    private static partial void LogSwept(ILogger logger, int batches, int events, string tenantId, int alerts);

    [LoggerMessage(EventId = 621, Level = LogLevel.Error, Message = "Outbox sweep could not evaluate batch {BatchId} of tenant {TenantId} ({Attempts} failed attempts); it is tried again after {Delay}")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, Guid batchId, string tenantId, int attempts, TimeSpan delay);

    [LoggerMessage(EventId = 622, Level = LogLevel.Error, Message = "Outbox sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
