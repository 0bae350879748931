using System.Threading.Channels;
using AuditKit.Delivery.Spool;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditKit.Delivery;

/// <summary>
/// The background half of the pipeline. One batcher cuts the sink's channel into batches and hands them to
/// <see cref="AuditDeliveryOptions.MaxConcurrentBatches"/> senders; a replayer drains the durable spool, oldest
/// first. With <see cref="AuditDeliveryDurability.WriteAhead"/> each batch is appended to the spool when it is cut
/// and acknowledged there once the server took it; a batch whose send fails (or that finds no free sender) stays in
/// the spool for the replayer. A batch goes straight to the spool, without retry delays, while the server is known to
/// be unreachable (last attempt failed, or the circuit is open), sending is paused after a 401/403, or the senders
/// fall so far behind that the channel would fill. On shutdown the channel is closed
/// and what is queued or in flight gets <see cref="AuditDeliveryOptions.ShutdownDrainTimeout"/> to be delivered;
/// the rest is spooled and replayed at the next start.
/// </summary>
internal sealed class AuditDeliveryService : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan s_handOffCheck = TimeSpan.FromMilliseconds(25);

    private readonly IServiceProvider _services;
    private readonly AuditDeliveryPipeline _pipeline;
    private readonly AuditKitOptions _options;
    private readonly AuditDeliveryOptions _delivery;
    private readonly AuditDeliveryMetrics _metrics;
    private readonly AuditCircuitState _circuit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort;
    private readonly CancellationTokenSource _stopReplay;
    private AuditDeadLetterFile? _deadLetter;
    private AuditSpool? _spool;
    private AuditBatcher? _batcher;
    private AuditBatchSender? _sender;
    private Channel<(AuditBatch Batch, SpoolEntry? Ahead)>? _batches;
    private Task? _execution;
    private long _pausedUntil;
    private int _unavailable;
    private int _parkedAtShutdown;
    private int _disposed;

    public AuditDeliveryService(
        IServiceProvider services,
        AuditDeliveryPipeline pipeline,
        IOptions<AuditKitOptions> options,
        AuditDeliveryMetrics metrics,
        AuditCircuitState circuit,
        TimeProvider time,
        ILogger<AuditDeliveryService> logger)
    {
        _services = services;
        _pipeline = pipeline;
        _options = options.Value;
        _delivery = _options.Delivery;
        _metrics = metrics;
        _circuit = circuit;
        _time = time;
        _logger = logger;
        _abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _stopReplay = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
    }

    /// <summary>Completes when the pipeline has stopped (drained, spooled or abandoned everything).</summary>
    internal Task Completion => _execution ?? Task.CompletedTask;

    /// <summary>Whether the background sender runs (it does not when another <see cref="IAuditSink"/> replaced ours).</summary>
    internal bool IsRunning => _execution is { IsCompleted: false };

    /// <summary>The spool, when one could be opened.</summary>
    internal AuditSpool? Spool => _spool;

    /// <summary>Events lost since start (channel full, spool cap, spool unwritable).</summary>
    internal long LostEvents => _metrics.LostEvents;

    internal TimeProvider Time => _time;

    /// <summary>Whether sending is paused because the server refused the API key.</summary>
    internal bool IsPaused => _time.GetTimestamp() < Interlocked.Read(ref _pausedUntil);

    /// <summary>Whether the last attempt to reach the server failed.</summary>
    internal bool IsUnavailable => Volatile.Read(ref _unavailable) == 1 || _circuit.IsOpen;

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

        // Plain http is fine to this machine (a sidecar, tests) and a risk anywhere else; said once, at start-up.
        if (_options.ServerUrl.Scheme == Uri.UriSchemeHttp && !_options.ServerUrl.IsLoopback)
        {
            AuditDeliveryLog.PlainHttpServer(_logger, _options.ServerUrl);
        }

        var directory = AuditSpoolPaths.Resolve(_options);
        _deadLetter = new AuditDeadLetterFile(directory, _time, _logger);
        _spool = OpenSpool(directory);
        _sender = _services.GetRequiredService<AuditBatchSender>();
        _batcher = new AuditBatcher(_pipeline.Reader, _delivery, _time, OnInvalid);
        _batches = Channel.CreateBounded<(AuditBatch, SpoolEntry?)>(new BoundedChannelOptions(_delivery.MaxConcurrentBatches) { SingleWriter = true });
        _execution = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _pipeline.Complete();

        // A host that is disposed while it starts or stops can dispose this service before it calls StopAsync;
        // DisposeAsync has drained the pipeline by then and the cancellation source is gone.
        if (_execution is null || Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        try
        {
            _abort.CancelAfter(_delivery.ShutdownDrainTimeout);
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently: DisposeAsync waits for the pipeline itself.
            return;
        }

        try
        {
            await _execution.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host will not wait any longer: stop sending now and spool what is left.
            await _abort.CancelAsync().ConfigureAwait(false);
            await _execution.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered both as itself and as a hosted service, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _pipeline.Complete();
        await _abort.CancelAsync().ConfigureAwait(false);
        if (_execution is not null)
        {
            await _execution.ConfigureAwait(false);
        }

        _spool?.Dispose();
        _stopReplay.Dispose();
        _abort.Dispose();
    }

    private AuditSpool? OpenSpool(string directory)
    {
        var spool = new AuditSpool(directory, _delivery, _metrics, _logger);
        try
        {
            spool.Open();
            return spool;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Auditing must not stop the application from starting; without a spool, undeliverable events are counted as dropped.
            AuditDeliveryLog.SpoolFailed(_logger, directory, ex);
            spool.Dispose();
            return null;
        }
    }

    private async Task RunAsync()
    {
        if (_spool is not null && _delivery.Durability == AuditDeliveryDurability.WriteAhead)
        {
            AuditBatcher.WarmUp();
        }

        var replay = _spool is null ? Task.CompletedTask : ReplayLoopAsync(_spool);
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
            ParkRemaining();
            await _stopReplay.CancelAsync().ConfigureAwait(false);
            await replay.ConfigureAwait(false);
            // Written ahead, batches the deadline interrupted are already in the spool: report everything it holds.
            var undelivered = _spool?.PendingEvents ?? 0;
            if (_parkedAtShutdown > 0 || (_abort.IsCancellationRequested && undelivered > 0))
            {
                AuditDeliveryLog.ShutdownSpooled(_logger, _delivery.ShutdownDrainTimeout, Math.Max(undelivered, _parkedAtShutdown));
            }

            _spool?.Dispose();
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

            if (_spool is not null && (IsPaused || IsUnavailable))
            {
                Park(batch);
                continue;
            }

            if (!await HandOffAsync(batch, WriteAhead(batch)).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>
    /// With <see cref="AuditDeliveryDurability.WriteAhead"/>, appends <paramref name="batch"/> to the spool as being
    /// sent. <see langword="null"/> in memory mode, without a spool, or when the spool cannot take it (the batch is
    /// then sent from memory, and counted as lost only if that fails too).
    /// </summary>
    private SpoolEntry? WriteAhead(AuditBatch batch)
    {
        if (_spool is null || _delivery.Durability != AuditDeliveryDurability.WriteAhead)
        {
            return null;
        }

        try
        {
            return _spool.Append(batch, inFlight: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            AuditDeliveryLog.WriteAheadFailed(_logger, batch.Count, ex);
            return null;
        }
    }

    /// <summary>
    /// Gives <paramref name="batch"/> to a free sender. A batch written ahead that finds every sender busy is left
    /// to the replayer, so the batcher keeps cutting (and making durable) what the application writes. Otherwise,
    /// while every sender is busy, waits — unless the channel is half full, in which case the batch is spooled so that
    /// the application's writes keep being accepted.
    /// </summary>
    private async Task<bool> HandOffAsync(AuditBatch batch, SpoolEntry? ahead)
    {
        while (!_batches!.Writer.TryWrite((batch, ahead)))
        {
            if (ahead is not null)
            {
                Keep(batch, ahead);
                return true;
            }

            if (_spool is not null && _pipeline.Backlog >= _delivery.ChannelCapacity / 2)
            {
                Park(batch);
                return true;
            }

            using var check = new CancellationTokenSource(s_handOffCheck, _time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, check.Token);
            try
            {
                await _batches.Writer.WaitToWriteAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                Keep(batch, ahead, atShutdown: true);
                return false;
            }
            catch (OperationCanceledException)
            {
                // Time to look at the backlog again.
            }
        }

        return true;
    }

    private async Task SendLoopAsync()
    {
        // Yield so that the loops start on the thread pool, not on the caller of RunAsync.
        await Task.Yield();
        await foreach (var (batch, ahead) in _batches!.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (!await ProcessAsync(batch, _abort.Token).ConfigureAwait(false))
            {
                Keep(batch, ahead, atShutdown: _abort.IsCancellationRequested);
            }
            else if (ahead is not null)
            {
                AcknowledgeSpooled(ahead);
            }
        }
    }

    /// <summary>Replays the spool, oldest batch first, one at a time; it is also what probes a server that was down.</summary>
    private async Task ReplayLoopAsync(AuditSpool spool)
    {
        await Task.Yield();
        var token = _stopReplay.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await spool.WaitAsync(token).ConfigureAwait(false);
                var pause = Interlocked.Read(ref _pausedUntil) - _time.GetTimestamp();
                if (pause > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(pause / (double)_time.TimestampFrequency), _time, token).ConfigureAwait(false);
                    continue;
                }

                if (spool.Peek() is not { } entry)
                {
                    if (!spool.IsEmpty)
                    {
                        // Nothing readable although the spool counts batches: do not spin.
                        await Task.Delay(_delivery.CircuitBreakerBreakDuration, _time, token).ConfigureAwait(false);
                    }

                    continue;
                }

                if (await ProcessAsync(entry.Batch, token).ConfigureAwait(false))
                {
                    AcknowledgeSpooled(entry);
                }
                else if (!token.IsCancellationRequested)
                {
                    // The resilience pipeline already retried; give the server (and the circuit) time before the next probe.
                    await Task.Delay(_delivery.CircuitBreakerBreakDuration, _time, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                AuditDeliveryLog.SpoolFailed(_logger, spool.Directory, ex);
                await Task.Delay(_delivery.CircuitBreakerBreakDuration, _time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="batch"/> once through the resilience pipeline. <see langword="true"/> when it is done with
    /// (delivered, or dead-lettered because the server will never take it); <see langword="false"/> when it must be
    /// kept and tried later.
    /// </summary>
    private async Task<bool> ProcessAsync(AuditBatch batch, CancellationToken cancellationToken)
    {
        var outcome = await _sender!.SendAsync(batch, cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case AuditSendStatus.Delivered:
                if (Interlocked.Exchange(ref _unavailable, 0) == 1)
                {
                    AuditDeliveryLog.Recovered(_logger);
                }

                Acknowledge(batch, outcome.Result);
                return true;

            case AuditSendStatus.TooLarge when batch.Count > 1:
                var (first, second) = batch.Split();
                var firstDone = await ProcessAsync(first, cancellationToken).ConfigureAwait(false);
                return await ProcessAsync(second, cancellationToken).ConfigureAwait(false) && firstDone;

            case AuditSendStatus.TooLarge:
            case AuditSendStatus.Refused:
                AuditDeliveryLog.BatchRefused(_logger, batch.Count, (int?)outcome.StatusCode ?? 0, outcome.Detail);
                foreach (var json in batch.Events)
                {
                    _deadLetter!.Write(json, $"refused by the server with {(int?)outcome.StatusCode}", null);
                }

                _metrics.Rejected(batch.Count);
                return true;

            case AuditSendStatus.Unauthorized:
                var until = _time.GetTimestamp() + (long)(_delivery.AuthFailurePause.TotalSeconds * _time.TimestampFrequency);
                if (Interlocked.Exchange(ref _pausedUntil, until) < _time.GetTimestamp())
                {
                    AuditDeliveryLog.Unauthorized(_logger, (int?)outcome.StatusCode ?? 0, AuditDeliveryLog.Cause(outcome.StatusCode), _delivery.AuthFailurePause);
                }

                return false;

            case AuditSendStatus.Unavailable:
                if (Interlocked.Exchange(ref _unavailable, 1) == 0)
                {
                    AuditDeliveryLog.ServerUnavailable(_logger, outcome.Detail ?? outcome.StatusCode?.ToString(), batch.Count);
                }

                return false;

            default:
                return false;
        }
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

    /// <summary>After the senders stopped: whatever is still in the channel goes to the spool.</summary>
    private void ParkRemaining()
    {
        while (_batcher!.TakeAvailable() is { } batch)
        {
            Park(batch, atShutdown: true);
        }
    }

    /// <summary>Keeps a batch whose send did not happen or failed: a batch written ahead is handed back to the replayer.</summary>
    private void Keep(AuditBatch batch, SpoolEntry? ahead, bool atShutdown = false)
    {
        if (ahead is null)
        {
            Park(batch, atShutdown);
            return;
        }

        if (atShutdown)
        {
            Interlocked.Add(ref _parkedAtShutdown, batch.Count);
        }

        _spool!.Release(ahead);
    }

    private void AcknowledgeSpooled(SpoolEntry entry)
    {
        try
        {
            _spool!.Acknowledge(entry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The server has the batch; a segment file that cannot be deleted now only costs disk space until restart.
            AuditDeliveryLog.SpoolFailed(_logger, _spool!.Directory, ex);
        }
    }

    private void Park(AuditBatch batch, bool atShutdown = false)
    {
        if (atShutdown)
        {
            Interlocked.Add(ref _parkedAtShutdown, batch.Count);
        }

        if (_spool is null)
        {
            _metrics.Dropped(batch.Count, AuditDropReasons.Unspoolable);
            AuditDeliveryLog.Lost(_logger, batch.Count, "no spool", null);
            return;
        }

        try
        {
            _spool.Append(batch);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            _metrics.Dropped(batch.Count, AuditDropReasons.Unspoolable);
            AuditDeliveryLog.Lost(_logger, batch.Count, "the spool could not be written", ex);
        }
    }
}
