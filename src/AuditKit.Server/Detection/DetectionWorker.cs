using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Detection;

/// <summary>
/// Evaluates committed batches in the background, so ingest never waits for detection (unless the queue is full).
/// Each pass takes every batch waiting (up to <see cref="DetectionOptions.MaxEventsPerPass"/> events) and evaluates
/// them per tenant at once: under load, passes grow rather than multiply. At shutdown the queue is drained.
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

                foreach (var tenant in batches.GroupBy(static b => b.TenantId, StringComparer.Ordinal))
                {
                    await EvaluateAsync(tenant.Key, [.. tenant], token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            LogAbandoned(logger, reader.Count);
        }
    }

    private async Task EvaluateAsync(string tenantId, List<DetectionBatch> batches, CancellationToken cancellationToken)
    {
        var events = batches.Count == 1 ? batches[0].Events : [.. batches.SelectMany(static b => b.Events)];
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await detector.EvaluateAsync(tenantId, events, cancellationToken).ConfigureAwait(false);
                    foreach (var batch in batches)
                    {
                        metrics.Lag(Stopwatch.GetElapsedTime(batch.EnqueuedAt).TotalMilliseconds);
                    }

                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    metrics.Failed();
                    if (attempt >= Attempts)
                    {
                        LogGaveUp(logger, ex, tenantId, events.Count, attempt);
                        return;
                    }

                    LogRetrying(logger, ex, tenantId, events.Count, attempt);
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

    [LoggerMessage(EventId = 611, Level = LogLevel.Error, Message = "Detection pass for tenant {TenantId} ({Events} events) failed {Attempt} times; these events were not evaluated")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string tenantId, int events, int attempt);

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "Shutdown deadline reached with {Batches} batches not evaluated")]
    private static partial void LogAbandoned(ILogger logger, int batches);
}
