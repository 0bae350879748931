using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Detection;

/// <summary>
/// Evaluates committed batches in the background, so ingest never waits for detection (unless the queue is full).
/// Each round takes every batch waiting (up to <see cref="DetectionOptions.MaxEventsPerPass"/> events) and evaluates
/// them per tenant at once, small batches first (see <see cref="Plan"/>): under load, passes grow rather than multiply.
/// At shutdown the queue is drained until the host's deadline; what is left, like the batches of a pass that failed,
/// stays in the outbox for <see cref="DetectionOutboxSweeper"/>.
/// </summary>
internal sealed partial class DetectionWorker(
    DetectionQueue queue,
    AlertDetector detector,
    DetectionMetrics metrics,
    IOptions<DetectionOptions> options,
    ILogger<DetectionWorker> logger) : BackgroundService
{
    private const int Attempts = 3;
    private readonly CancellationTokenSource _abandon = new();

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
        var reader = queue.Reader;
        var batches = new List<DetectionBatch>();
        var max = options.Value.MaxEventsPerPass;
        var small = options.Value.SmallBatchEvents;
        var token = _abandon.Token;
        try
        {
            while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                batches.Clear();
                var events = 0;
                while (events < max && reader.TryRead(out var batch))
                {
                    batches.Add(batch);
                    events += batch.Events.Count;
                }

                foreach (var (tenantId, tenantBatches) in Plan(batches, small))
                {
                    await EvaluateAsync(tenantId, tenantBatches, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            LogAbandoned(logger, reader.Count);
        }
    }

    /// <summary>
    /// The passes for the batches taken from the queue: one per tenant, except that batches of at most
    /// <paramref name="smallBatchEvents"/> events, when larger ones wait with them, go first in passes of their own. A
    /// pass's alerts become visible when it commits, so a small batch no longer waits for the evaluation of thousands of
    /// events taken at the same time. Rules read windows by event time, so the order of passes does not change what
    /// they find.
    /// </summary>
    internal static List<(string TenantId, List<DetectionBatch> Batches)> Plan(IReadOnlyList<DetectionBatch> batches, int smallBatchEvents)
    {
        var first = new List<(string, List<DetectionBatch>)>();
        var rest = new List<(string, List<DetectionBatch>)>();
        foreach (var tenant in batches.GroupBy(static b => b.TenantId, StringComparer.Ordinal))
        {
            var smallOnes = tenant.Where(b => b.Events.Count <= smallBatchEvents).ToList();
            if (smallOnes.Count == 0)
            {
                rest.Add((tenant.Key, [.. tenant]));
            }
            else if (smallOnes.Count == tenant.Count())
            {
                first.Add((tenant.Key, smallOnes));
            }
            else
            {
                first.Add((tenant.Key, smallOnes));
                rest.Add((tenant.Key, [.. tenant.Where(b => b.Events.Count > smallBatchEvents)]));
            }
        }

        first.AddRange(rest);
        return first;
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
