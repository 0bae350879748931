using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Detection;

/// <summary>
/// Hands committed batches from ingest to <see cref="DetectionWorker"/>. Bounded: when evaluation falls behind by
/// <see cref="DetectionOptions.QueueCapacity"/> batches, ingest waits for room rather than letting memory grow. The
/// queue is the fast path only: every batch is also in <c>detection_outbox</c>, so what it holds when the process
/// stops is evaluated by <see cref="DetectionOutboxSweeper"/>.
/// </summary>
internal sealed class DetectionQueue
{
    private readonly Channel<DetectionBatch> _channel;
    private readonly bool _enabled;
    private readonly Lock _idleLock = new();
    private long _pending;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    public DetectionQueue(IOptions<DetectionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _enabled = options.Value.Enabled;
        _channel = Channel.CreateBounded<DetectionBatch>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Whether detection is on.</summary>
    public bool Enabled => _enabled;

    /// <summary>The batches waiting, for the worker.</summary>
    public ChannelReader<DetectionBatch> Reader => _channel.Reader;

    /// <summary>
    /// Queues the newly stored <paramref name="events"/> of <paramref name="tenantId"/>, recorded in the outbox as batch
    /// <paramref name="batchId"/>, for evaluation.
    /// </summary>
    public ValueTask EnqueueAsync(string tenantId, Guid batchId, IEnumerable<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!_enabled)
        {
            return ValueTask.CompletedTask;
        }

        DetectionEvent[] compact = [.. events.Select(DetectionEvent.From)];
        if (compact.Length == 0)
        {
            return ValueTask.CompletedTask;
        }

        lock (_idleLock)
        {
            if (_pending++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        var batch = new DetectionBatch(tenantId, batchId, compact, Stopwatch.GetTimestamp());
        return _channel.Writer.TryWrite(batch) ? ValueTask.CompletedTask : WriteSlowAsync(batch, cancellationToken);
    }

    /// <summary>Called by the worker once <paramref name="batches"/> batches were evaluated (or given up on).</summary>
    public void Completed(int batches)
    {
        lock (_idleLock)
        {
            _pending -= batches;
            if (_pending <= 0)
            {
                _pending = 0;
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>Completes once every batch queued so far has been evaluated.</summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        lock (_idleLock)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops accepting batches (at shutdown); the worker drains what is queued.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private async ValueTask WriteSlowAsync(DetectionBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Completed(1);
            throw;
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}
