using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditKit.Delivery;

/// <summary>
/// The background half of the pipeline: one batcher cutting the sink's channel into batches and
/// <see cref="AuditDeliveryOptions.MaxConcurrentBatches"/> senders posting them. On shutdown the channel is closed,
/// and what is queued or in flight gets <see cref="AuditDeliveryOptions.ShutdownDrainTimeout"/> to be delivered.
/// </summary>
internal sealed class AuditDeliveryService : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly AuditDeliveryPipeline _pipeline;
    private readonly AuditKitOptions _options;
    private readonly AuditDeliveryOptions _delivery;
    private readonly AuditDeliveryMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort;
    private AuditDeadLetterFile? _deadLetter;
    private AuditBatcher? _batcher;
    private AuditBatchSender? _sender;
    private Channel<AuditBatch>? _batches;
    private Task? _execution;
    private long _pausedUntil = long.MinValue;

    public AuditDeliveryService(
        IServiceProvider services,
        AuditDeliveryPipeline pipeline,
        IOptions<AuditKitOptions> options,
        AuditDeliveryMetrics metrics,
        TimeProvider time,
        ILogger<AuditDeliveryService> logger)
    {
        _services = services;
        _pipeline = pipeline;
        _options = options.Value;
        _delivery = _options.Delivery;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    /// <summary>Completes when the pipeline has stopped (drained, spooled or abandoned everything).</summary>
    internal Task Completion => _execution ?? Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(_services.GetService<IAuditSink>(), _pipeline))
        {
            AuditDeliveryLog.PipelineNotInUse(_logger);
            return Task.CompletedTask;
        }

        if (_options.ServerUrl is null)
        {
            throw new OptionsValidationException(
                nameof(AuditKitOptions), typeof(AuditKitOptions), ["AuditKit:ServerUrl is required: the address of the AuditKit server, e.g. http://127.0.0.1:5080."]);
        }

        var directory = AuditSpoolPaths.Resolve(_options);
        _deadLetter = new AuditDeadLetterFile(directory, _time, _logger);
        _sender = _services.GetRequiredService<AuditBatchSender>();
        _batcher = new AuditBatcher(_pipeline.Reader, _delivery, _time, OnInvalid);
        _batches = Channel.CreateBounded<AuditBatch>(new BoundedChannelOptions(_delivery.MaxConcurrentBatches) { SingleWriter = true });
        _execution = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _pipeline.Complete();
        if (_execution is null)
        {
            return;
        }

        _abort.CancelAfter(_delivery.ShutdownDrainTimeout);
        try
        {
            await _execution.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host will not wait any longer: stop sending now, what is left is parked.
            await _abort.CancelAsync().ConfigureAwait(false);
            await _execution.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pipeline.Complete();
        await _abort.CancelAsync().ConfigureAwait(false);
        if (_execution is not null)
        {
            await _execution.ConfigureAwait(false);
        }

        _abort.Dispose();
    }

    private async Task RunAsync()
    {
        var senders = new Task[_delivery.MaxConcurrentBatches];
        for (var i = 0; i < senders.Length; i++)
        {
            senders[i] = SendLoopAsync();
        }

        try
        {
            await BatchLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            _batches!.Writer.TryComplete();
            await Task.WhenAll(senders).ConfigureAwait(false);
            ParkUnsent();
        }
    }

    private async Task BatchLoopAsync()
    {
        while (true)
        {
            AuditBatch? batch;
            try
            {
                batch = await _batcher!.NextBatchAsync(_abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return;
            }

            if (batch is null)
            {
                return;
            }

            try
            {
                await _batches!.Writer.WriteAsync(batch, _abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                Park(batch, AuditDropReasons.ShutDown);
                return;
            }
        }
    }

    private async Task SendLoopAsync()
    {
        // Yield so that the loops start on the thread pool, not on the caller of RunAsync.
        await Task.Yield();
        await foreach (var batch in _batches!.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await DeliverAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(AuditBatch batch)
    {
        while (!_abort.IsCancellationRequested)
        {
            if (!await WaitWhilePausedAsync().ConfigureAwait(false))
            {
                break;
            }

            var outcome = await _sender!.SendAsync(batch, _abort.Token).ConfigureAwait(false);
            switch (outcome.Status)
            {
                case AuditSendStatus.Delivered:
                    Acknowledge(batch, outcome.Result);
                    return;

                case AuditSendStatus.TooLarge when batch.Count > 1:
                    var (first, second) = batch.Split();
                    await DeliverAsync(first).ConfigureAwait(false);
                    await DeliverAsync(second).ConfigureAwait(false);
                    return;

                case AuditSendStatus.TooLarge:
                case AuditSendStatus.Refused:
                    AuditDeliveryLog.BatchRefused(_logger, batch.Count, (int?)outcome.StatusCode ?? 0, outcome.Detail);
                    foreach (var json in batch.Events)
                    {
                        _deadLetter!.Write(json, $"refused by the server with {(int?)outcome.StatusCode}", null);
                    }

                    _metrics.Rejected(batch.Count);
                    return;

                case AuditSendStatus.Unauthorized:
                    AuditDeliveryLog.Unauthorized(_logger, (int?)outcome.StatusCode ?? 0, AuditDeliveryLog.Cause(outcome.StatusCode), _delivery.AuthFailurePause);
                    Interlocked.Exchange(ref _pausedUntil, _time.GetTimestamp() + (long)(_delivery.AuthFailurePause.TotalSeconds * _time.TimestampFrequency));
                    break;

                case AuditSendStatus.Unavailable:
                    AuditDeliveryLog.ServerUnavailable(_logger, outcome.Detail ?? outcome.StatusCode?.ToString(), batch.Count);
                    if (!await DelayAsync(_delivery.CircuitBreakerBreakDuration).ConfigureAwait(false))
                    {
                        Park(batch, AuditDropReasons.ShutDown);
                        return;
                    }

                    break;

                case AuditSendStatus.Cancelled:
                    Park(batch, AuditDropReasons.ShutDown);
                    return;
            }
        }

        Park(batch, AuditDropReasons.ShutDown);
    }

    private void Acknowledge(AuditBatch batch, AuditBatchResult? result)
    {
        var rejected = 0;
        if (result?.Items is { Count: > 0 } items)
        {
            foreach (var item in items)
            {
                if (item.Status == AuditBatchItemStatus.Rejected && item.Index >= 0 && item.Index < batch.Count)
                {
                    rejected++;
                    _deadLetter!.Write(batch.Events[item.Index], "rejected by the server", item.Errors);
                }
            }
        }

        if (rejected > 0)
        {
            AuditDeliveryLog.ItemsRejected(_logger, rejected, batch.Count);
            _metrics.Rejected(rejected);
        }

        _metrics.Sent(batch.Count - rejected);
    }

    private void OnInvalid(AuditEvent auditEvent, IReadOnlyList<AuditFieldError> errors)
    {
        AuditDeliveryLog.InvalidEvent(_logger, auditEvent.Id, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        _deadLetter!.Write(auditEvent, "invalid", errors);
        _metrics.Rejected(1);
    }

    private async Task<bool> WaitWhilePausedAsync()
    {
        var until = Interlocked.Read(ref _pausedUntil);
        if (until == long.MinValue)
        {
            return true;
        }

        var remaining = TimeSpan.FromSeconds((until - _time.GetTimestamp()) / (double)_time.TimestampFrequency);
        return remaining <= TimeSpan.Zero || await DelayAsync(remaining).ConfigureAwait(false);
    }

    private async Task<bool> DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _abort.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>After the loops ended: events still in the channel or half-batched are parked too.</summary>
    private void ParkUnsent()
    {
        var unsent = new List<ReadOnlyMemory<byte>>(_batcher!.TakeUnbatched());
        var count = unsent.Count;
        while (_pipeline.Reader.TryRead(out _))
        {
            count++;
        }

        if (count > 0)
        {
            _metrics.Dropped(count, AuditDropReasons.Unspoolable);
            AuditDeliveryLog.Lost(_logger, count, AuditDropReasons.ShutDown, null);
        }
    }

    private void Park(AuditBatch batch, string reason)
    {
        _metrics.Dropped(batch.Count, AuditDropReasons.Unspoolable);
        AuditDeliveryLog.Lost(_logger, batch.Count, reason, null);
    }
}
