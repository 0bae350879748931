using System.Diagnostics;
using System.Threading.Channels;

namespace AuditKit.Server.Detection;

/// <summary>
/// Hands committed batches from ingest to <see cref="DetectionWorker"/>, in two lanes: batches of at most
/// <see cref="DetectionOptions.SmallBatchEvents"/> events go to a lane the worker serves first, so a few events never
/// wait behind a backlog of large batches. Each lane is bounded: when evaluation falls behind by
/// <see cref="DetectionOptions.QueueCapacity"/> batches, ingest waits for room rather than letting memory grow. The
/// queue is the fast path only: every batch is also in <c>detection_outbox</c>, so what it holds when the process
/// stops is evaluated by <see cref="DetectionOutboxSweeper"/>.
/// </summary>
internal sealed class DetectionQueue
{
    private readonly Channel<DetectionBatch> _small;
    private readonly Channel<DetectionBatch> _large;

    // Set (at most once) after a batch is written to either lane, so the worker has a single thing to wait on.
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly bool _enabled;
    private readonly int _smallBatchEvents;
    private readonly int _capacity;
    private readonly Lock _idleLock = new();
    private long _pending;
    private long _largeEvents;
    private bool _completed;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    public DetectionQueue(IOptions<DetectionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _enabled = options.Value.Enabled;
        _smallBatchEvents = options.Value.SmallBatchEvents;
        _capacity = options.Value.QueueCapacity;
        var lane = new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        };
        _small = Channel.CreateBounded<DetectionBatch>(lane);
        _large = Channel.CreateBounded<DetectionBatch>(lane);
    }

    /// <summary>Whether detection is on.</summary>
    public bool Enabled => _enabled;

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
        var lane = compact.Length <= _smallBatchEvents ? _small : _large;
        if (lane == _large)
        {
            Interlocked.Add(ref _largeEvents, compact.Length);
        }

        if (lane.Writer.TryWrite(batch))
        {
            _signal.Writer.TryWrite(true);
            return ValueTask.CompletedTask;
        }

        return WriteSlowAsync(lane, batch, cancellationToken);
    }

    /// <summary>
    /// Waits until batches were queued since the last call (they may have been taken already); false once the queue
    /// is completed.
    /// </summary>
    public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (!await _signal.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        _signal.Reader.TryRead(out _);
        return true;
    }

    /// <summary>Moves the small batches waiting (until <paramref name="maxEvents"/> are reached) into <paramref name="batches"/>.</summary>
    public int TakeSmall(List<DetectionBatch> batches, int maxEvents) => Take(_small.Reader, batches, maxEvents);

    /// <summary>Moves the large batches waiting, oldest first, until <paramref name="maxEvents"/> are reached, into <paramref name="batches"/>.</summary>
    public int TakeLarge(List<DetectionBatch> batches, int maxEvents)
    {
        var first = batches.Count;
        var taken = Take(_large.Reader, batches, maxEvents);
        Interlocked.Add(ref _largeEvents, -batches.Skip(first).Sum(static b => (long)b.Events.Count));
        return taken;
    }

    /// <summary>
    /// Whether large batches are waiting, and not yet a full pass of them: fewer than <paramref name="maxEvents"/>
    /// events, and room left in their lane, so holding them back does not hold ingest back.
    /// </summary>
    public bool HasPartialLargePass(int maxEvents)
    {
        var events = Interlocked.Read(ref _largeEvents);
        return events > 0 && events < maxEvents && _large.Reader.Count < _capacity && !Volatile.Read(ref _completed);
    }

    /// <summary>Wakes the worker's <see cref="WaitToReadAsync"/> as if a batch had been queued.</summary>
    public void Wake() => _signal.Writer.TryWrite(true);

    /// <summary>The batches waiting in both lanes.</summary>
    public int Count => _small.Reader.Count + _large.Reader.Count;

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
    public void Complete()
    {
        Volatile.Write(ref _completed, true);
        _small.Writer.TryComplete();
        _large.Writer.TryComplete();
        _signal.Writer.TryComplete();
    }

    private static int Take(ChannelReader<DetectionBatch> reader, List<DetectionBatch> batches, int maxEvents)
    {
        var events = 0;
        var taken = 0;
        while (events < maxEvents && reader.TryRead(out var batch))
        {
            batches.Add(batch);
            events += batch.Events.Count;
            taken++;
        }

        return taken;
    }

    private async ValueTask WriteSlowAsync(Channel<DetectionBatch> lane, DetectionBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await lane.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            _signal.Writer.TryWrite(true);
        }
        catch (ChannelClosedException)
        {
            if (lane == _large)
            {
                Interlocked.Add(ref _largeEvents, -batch.Events.Count);
            }

            // Shutting down: the batch is stored and in the outbox, where a sweep will find it. Not the caller's failure.
            Completed(1);
        }
        catch
        {
            if (lane == _large)
            {
                Interlocked.Add(ref _largeEvents, -batch.Events.Count);
            }

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
