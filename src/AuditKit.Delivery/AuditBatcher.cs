using System.Text.Json;
using System.Threading.Channels;

namespace AuditKit.Delivery;

/// <summary>
/// Reads events from the sink's channel and cuts them into batches: a batch closes when it holds
/// <see cref="AuditDeliveryOptions.BatchSize"/> events, when one more event would push it past
/// <see cref="AuditDeliveryOptions.BatchBytes"/>, or when <see cref="AuditDeliveryOptions.Linger"/> has passed since
/// its first event. Each event is validated and serialized here, off the request path.
/// </summary>
internal sealed class AuditBatcher
{
    private static readonly TimeSpan s_gatherInterval = TimeSpan.FromMilliseconds(10);

    private readonly ChannelReader<AuditEvent> _reader;
    private readonly int _maxCount;
    private readonly long _maxBytes;
    private readonly TimeSpan _linger;
    private readonly TimeProvider _time;
    private readonly Action<AuditEvent, IReadOnlyList<AuditFieldError>> _onInvalid;
    private readonly List<ReadOnlyMemory<byte>> _pending = [];
    private long _pendingBytes;
    private ReadOnlyMemory<byte>? _carried;

    public AuditBatcher(
        ChannelReader<AuditEvent> reader,
        AuditDeliveryOptions options,
        TimeProvider time,
        Action<AuditEvent, IReadOnlyList<AuditFieldError>> onInvalid)
    {
        _reader = reader;
        _maxCount = options.BatchSize;
        _maxBytes = options.BatchBytes;
        _linger = options.Linger;
        _time = time;
        _onInvalid = onInvalid;
    }

    /// <summary>
    /// The next batch, or <see langword="null"/> when the channel is completed and empty. Cancelling
    /// <paramref name="cancellationToken"/> keeps the batch being built: <see cref="TakeAvailable"/> hands it out.
    /// </summary>
    public async ValueTask<AuditBatch?> NextBatchAsync(CancellationToken cancellationToken)
    {
        var full = Fill();
        while (_pending.Count == 0)
        {
            if (!await _reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            full = Fill();
        }

        if (!full && _linger > TimeSpan.Zero)
        {
            using var linger = new CancellationTokenSource(_linger, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, linger.Token);
            var gather = _linger < s_gatherInterval ? _linger : s_gatherInterval;
            try
            {
                // Gather in short naps rather than waking for every write: a busy application would otherwise pay a
                // thread-pool wake-up per event. The batch still closes within one nap of reaching its size.
                while (!full && !_reader.Completion.IsCompleted)
                {
                    await Task.Delay(gather, _time, linked.Token).ConfigureAwait(false);
                    full = Fill();
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The linger time is up: send what we have.
                Fill();
            }
        }

        var batch = new AuditBatch([.. _pending]);
        _pending.Clear();
        _pendingBytes = 0;
        return batch;
    }

    /// <summary>
    /// A batch of what can be read right now without waiting, or <see langword="null"/> when nothing is left. Used at
    /// shutdown, after the drain deadline, to move what is still queued to the spool.
    /// </summary>
    public AuditBatch? TakeAvailable()
    {
        Fill();
        if (_pending.Count == 0)
        {
            return null;
        }

        var batch = new AuditBatch([.. _pending]);
        _pending.Clear();
        _pendingBytes = 0;
        return batch;
    }

    /// <summary>
    /// Runs validation, serialization and spool encoding once on a sample event, so that the first batch of a freshly
    /// started process does not pay for JIT compilation and serializer start-up: written ahead, it must reach the spool
    /// within its linger window even when the process is killed a moment after it started.
    /// </summary>
    public static void WarmUp()
    {
        var probe = new AuditEvent
        {
            Id = AuditEventIds.New(TimeProvider.System),
            Timestamp = DateTimeOffset.UtcNow,
            Action = AuditActions.Read,
            ResourceType = "warm-up",
        };
        AuditEventValidator.Validate(probe);
        var json = JsonSerializer.SerializeToUtf8Bytes(probe, AuditJsonContext.Default.AuditEvent);
        Spool.SpoolRecordFormat.Encode(new AuditBatch([json]));
    }

    /// <summary>Moves events from the channel into the pending batch; <see langword="true"/> when the batch is full.</summary>
    private bool Fill()
    {
        if (_carried is { } carried)
        {
            _carried = null;
            Add(carried);
        }

        while (_pending.Count < _maxCount)
        {
            if (!_reader.TryRead(out var auditEvent))
            {
                return false;
            }

            if (Serialize(auditEvent) is not { } json)
            {
                continue;
            }

            if (_pending.Count > 0 && _pendingBytes + json.Length + 1 > _maxBytes)
            {
                _carried = json;
                return true;
            }

            Add(json);
        }

        return true;
    }

    private void Add(ReadOnlyMemory<byte> json)
    {
        _pendingBytes += _pending.Count == 0 ? json.Length + 2 : json.Length + 1;
        _pending.Add(json);
    }

    private byte[]? Serialize(AuditEvent auditEvent)
    {
        var errors = AuditEventValidator.Validate(auditEvent);
        if (errors.Count > 0)
        {
            _onInvalid(auditEvent, errors);
            return null;
        }

        byte[] json;
        try
        {
            json = JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditJsonContext.Default.AuditEvent);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            _onInvalid(auditEvent, [new AuditFieldError("event", "could not be serialized: " + ex.Message)]);
            return null;
        }

        if (json.Length > AuditEventLimits.EventBytes || json.Length + 2 > _maxBytes)
        {
            _onInvalid(auditEvent, [new AuditFieldError("event", $"is {json.Length} bytes serialized; the most is {Math.Min(AuditEventLimits.EventBytes, _maxBytes - 2)}.")]);
            return null;
        }

        return json;
    }
}
