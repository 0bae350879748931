using System.Diagnostics;

namespace AuditKit.Server.Detection;

/// <summary>
/// Evaluates committed batches in the background, so ingest never waits for detection (unless the queue is full).
/// Each round takes every large batch waiting (up to <see cref="DetectionOptions.MaxEventsPerPass"/> events) and
/// evaluates them per tenant at once: under load, passes grow rather than multiply. Small batches (see
/// <see cref="DetectionQueue"/>) are evaluated ahead of every such pass, so they never wait behind the backlog.
/// Passes over large batches start at most every <see cref="DetectionOptions.PassInterval"/>, so that under load each
/// takes what arrived meanwhile. At shutdown the queue is drained, unpaced, until the host's deadline; what is left,
/// like the batches of a pass that failed, stays in the outbox for <see cref="DetectionOutboxSweeper"/>.
/// </summary>
internal sealed partial class DetectionWorker(
    DetectionQueue queue,
    AlertDetector detector,
    DetectionMetrics metrics,
    IOptions<DetectionOptions> options,
    TimeProvider time,
    ILogger<DetectionWorker> logger) : BackgroundService
{
    private const int Attempts = 3;
    private readonly CancellationTokenSource _abandon = new();
    private long _lastLargePass;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Take no more batches and let the queued ones be evaluated, until the host's shutdown deadline.
        queue.Complete();
        using var registration = cancellationToken.Register(_abandon.Cancel);
        if (ExecuteTask is { } running)
        {
            await Task.WhenAny(running, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var token = _abandon.Token;
        try
        {
            while (true)
            {
                await DrainAsync(token).ConfigureAwait(false);
                if (!await queue.WaitToReadAsync(token).ConfigureAwait(false))
                {
                    await DrainAsync(token).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            LogAbandoned(logger, queue.Count);
        }
    }

    /// <summary>
    /// Evaluates batches until both lanes of the queue are empty: each round takes the large batches waiting (up to
    /// <see cref="DetectionOptions.MaxEventsPerPass"/> events) and evaluates them in one pass per tenant, and before
    /// every such pass evaluates the small batches waiting, so a small batch waits for at most the one pass in progress.
    /// </summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var max = options.Value.MaxEventsPerPass;
        var large = new List<DetectionBatch>();
        while (true)
        {
            var small = await EvaluateSmallAsync(max, cancellationToken).ConfigureAwait(false);
            if (HoldLarge(max) is { } hold)
            {
                // Let the large batches gather until the interval ends; a small batch arriving meanwhile wakes the
                // loop and is evaluated at once.
                using var timer = time.CreateTimer(static q => ((DetectionQueue)q!).Wake(), queue, hold, Timeout.InfiniteTimeSpan);
                await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            large.Clear();
            if (queue.TakeLarge(large, max) == 0)
            {
                if (small == 0)
                {
                    return;
                }

                continue;
            }

            _lastLargePass = time.GetTimestamp();

            var first = true;
            foreach (var tenant in large.GroupBy(static b => b.TenantId, StringComparer.Ordinal))
            {
                if (!first)
                {
                    await EvaluateSmallAsync(max, cancellationToken).ConfigureAwait(false);
                }

                first = false;
                await EvaluateAsync(tenant.Key, [.. tenant], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// How much longer the large batches waiting should gather before a pass takes them: the rest of
    /// <see cref="DetectionOptions.PassInterval"/> since the previous pass started, unless there is nothing to gather
    /// for (no large batch, a full pass already, a full lane, or the process stopping).
    /// </summary>
    private TimeSpan? HoldLarge(int maxEvents)
    {
        var interval = options.Value.PassInterval;
        if (interval <= TimeSpan.Zero || _lastLargePass == 0 || !queue.HasPartialLargePass(maxEvents))
        {
            return null;
        }

        var rest = interval - time.GetElapsedTime(_lastLargePass);
        return rest > TimeSpan.Zero ? rest : null;
    }

    /// <summary>Evaluates the small batches waiting, one pass per tenant; returns how many there were.</summary>
    private async Task<int> EvaluateSmallAsync(int maxEvents, CancellationToken cancellationToken)
    {
        var small = new List<DetectionBatch>();
        if (queue.TakeSmall(small, maxEvents) == 0)
        {
            return 0;
        }

        foreach (var tenant in small.GroupBy(static b => b.TenantId, StringComparer.Ordinal))
        {
            await EvaluateAsync(tenant.Key, [.. tenant], cancellationToken).ConfigureAwait(false);
        }

        return small.Count;
    }

    private async Task EvaluateAsync(string tenantId, List<DetectionBatch> batches, CancellationToken cancellationToken)
    {
        var events = batches.Sum(static b => b.Events.Count);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var result = await detector.EvaluateAsync(tenantId, batches, cancellationToken).ConfigureAwait(false);
                    if (result.Batches == batches.Count)
                    {
                        foreach (var batch in batches)
                        {
                            metrics.Lag(Stopwatch.GetElapsedTime(batch.EnqueuedAt).TotalMilliseconds);
                        }
                    }

                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    metrics.Failed();
                    if (attempt >= Attempts)
                    {
                        LogGaveUp(logger, ex, tenantId, events, attempt);
                        return;
                    }

                    LogRetrying(logger, ex, tenantId, events, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            queue.Completed(batches.Count);
        }
    }

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "Detection pass for tenant {TenantId} ({Events} events) failed on attempt {Attempt}; retrying")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string tenantId, int events, int attempt);

    [LoggerMessage(EventId = 611, Level = LogLevel.Error, Message = "Detection pass for tenant {TenantId} ({Events} events) failed {Attempt} times; left in the outbox for a sweep")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string tenantId, int events, int attempt);

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "Shutdown deadline reached with {Batches} batches not evaluated; left in the outbox for a sweep")]
    private static partial void LogAbandoned(ILogger logger, int batches);
}
