using Microsoft.Extensions.Logging;

namespace AuditKit.Delivery.Spool;

/// <summary>
/// The durable spool: batches written ahead of their first send (<see cref="AuditDeliveryDurability.WriteAhead"/>)
/// or that could not be delivered, kept in append-only, checksummed segment files until the server takes them;
/// what is not being sent is replayed oldest first. Bounded by <see cref="AuditDeliveryOptions.SpoolMaxBytes"/>:
/// when a new batch would exceed it, the oldest segments are dropped and their events counted. One process owns a
/// spool directory at a time (a lock file guards it).
/// </summary>
internal sealed class AuditSpool : IDisposable
{
    private const string LockFileName = "spool.lock";

    private readonly Lock _lock = new();
    private readonly List<SpoolSegment> _segments = [];
    private readonly AuditDeliveryOptions _options;
    private readonly AuditDeliveryMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _available = new(0, 1);
    private FileStream? _lockFile;
    private SpoolSegment? _active;
    private long _nextSequence = 1;
    private long _bytes;
    private long _pendingEvents;
    private int _pendingBatches;

    public AuditSpool(string directory, AuditDeliveryOptions options, AuditDeliveryMetrics metrics, ILogger logger)
    {
        Directory = directory;
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    public string Directory { get; }

    /// <summary>Bytes on disk.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Events waiting to be replayed.</summary>
    public long PendingEvents => Interlocked.Read(ref _pendingEvents);

    /// <summary>Batches waiting to be replayed.</summary>
    public int PendingBatches => Volatile.Read(ref _pendingBatches);

    public bool IsEmpty => PendingBatches == 0;

    /// <summary>
    /// Takes the directory and indexes what an earlier run left behind. Damaged segments are reported and their
    /// good records kept; nothing here throws for bad data. Throws <see cref="IOException"/> when another process
    /// owns the directory.
    /// </summary>
    public void Open()
    {
        lock (_lock)
        {
            System.IO.Directory.CreateDirectory(Directory);
            _lockFile = new FileStream(System.IO.Path.Combine(Directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);

            var files = System.IO.Directory.EnumerateFiles(Directory, "*" + SpoolSegment.Extension)
                .Select(path => (Path: path, Ok: SpoolSegment.TryParseSequence(path, out var sequence), Sequence: sequence))
                .Where(f => f.Ok)
                .OrderBy(f => f.Sequence);
            foreach (var file in files)
            {
                _nextSequence = Math.Max(_nextSequence, file.Sequence + 1);
                var damaged = false;
                var segment = SpoolSegment.Recover(file.Path, file.Sequence, (offset, cause) =>
                {
                    if (!damaged)
                    {
                        damaged = true;
                        AuditDeliveryLog.SpoolSegmentDamaged(_logger, file.Path, offset, cause);
                    }
                });

                if (segment.IsFullyAcknowledged)
                {
                    segment.Delete();
                    continue;
                }

                _segments.Add(segment);
                _bytes += segment.FileBytes;
                _pendingEvents += segment.PendingEvents;
                _pendingBatches += segment.PendingRecords;
            }

            if (_pendingBatches > 0)
            {
                AuditDeliveryLog.SpoolRecovered(_logger, _pendingBatches, Directory);
                Signal();
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="batch"/> durably (per <see cref="AuditDeliveryOptions.SpoolFsync"/>). With
    /// <paramref name="inFlight"/> the caller is about to send it: it is not replayed unless handed back with
    /// <see cref="Release"/> (or the process dies first), and it is not counted as spooled.
    /// </summary>
    public SpoolEntry Append(AuditBatch batch, bool inFlight = false)
    {
        var record = SpoolRecordFormat.Encode(batch);
        SpoolEntry entry;
        lock (_lock)
        {
            if (_lockFile is null)
            {
                throw new InvalidOperationException("The spool is not open.");
            }

            MakeRoom(record.Length);
            if (_active is null || !_active.IsWritable || (_active.WriteOffset > 0 && _active.WriteOffset + record.Length > _options.SpoolSegmentBytes))
            {
                if (_active is not null)
                {
                    _active.CloseForWriting(_options.SpoolFsync == AuditSpoolFsync.OnSegmentClose);
                    if (_active.IsFullyAcknowledged)
                    {
                        Remove(_active);
                    }

                    // Should creating the next file fail (a full disk), the next append tries again.
                    _active = null;
                }

                _active = SpoolSegment.Create(Directory, _nextSequence++);
                _segments.Add(_active);
            }

            _active.Append(record, _options.SpoolFsync == AuditSpoolFsync.EveryWrite, inFlight ? SpoolRecordState.InFlight : SpoolRecordState.Pending);
            entry = new SpoolEntry(_active, _active.Records.Count - 1, batch);
            _bytes += record.Length;
            if (!inFlight)
            {
                _pendingEvents += batch.Count;
                _pendingBatches++;
            }
        }

        if (!inFlight)
        {
            _metrics.Spooled(batch.Count);
            Signal();
        }

        return entry;
    }

    /// <summary>
    /// Hands back a batch written ahead whose send did not succeed: it is replayed with the rest of the spool. When
    /// the size cap already dropped its segment, its events are counted as dropped.
    /// </summary>
    public void Release(SpoolEntry entry)
    {
        lock (_lock)
        {
            if (!_segments.Contains(entry.Segment))
            {
                _metrics.Dropped(entry.Batch.Count, AuditDropReasons.SpoolCap);
                AuditDeliveryLog.SpoolCapDropped(_logger, _options.SpoolMaxBytes, entry.Batch.Count);
                return;
            }

            if (entry.Segment.State(entry.Index) != SpoolRecordState.InFlight)
            {
                return;
            }

            entry.Segment.SetState(entry.Index, SpoolRecordState.Pending);
            _pendingEvents += entry.Batch.Count;
            _pendingBatches++;
        }

        _metrics.Spooled(entry.Batch.Count);
        Signal();
    }

    /// <summary>The oldest batch waiting to be replayed, or <see langword="null"/> when there is none.</summary>
    public SpoolEntry? Peek()
    {
        lock (_lock)
        {
            while (_segments.FirstOrDefault(s => s.FirstPending() >= 0) is { } segment)
            {
                var index = segment.FirstPending();
                try
                {
                    return new SpoolEntry(segment, index, segment.Read(index));
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException)
                {
                    // Gone bad since it was indexed: skip it rather than block the whole spool behind it.
                    AuditDeliveryLog.SpoolSegmentDamaged(_logger, segment.Path, segment.Records[index].Offset, ex.Message);
                    _metrics.Dropped(segment.Records[index].Events, AuditDropReasons.Unspoolable);
                    AcknowledgeLocked(segment, index);
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Marks <paramref name="entry"/> as delivered: it will not be replayed again. Progress reaches the disk lazily
    /// and never throws; after a crash, at most a few delivered batches are sent again and deduplicated by the server.
    /// </summary>
    public void Acknowledge(SpoolEntry entry)
    {
        lock (_lock)
        {
            AcknowledgeLocked(entry.Segment, entry.Index);
        }
    }

    /// <summary>Waits until a batch is appended (or one is already waiting).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (IsEmpty)
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _active?.CloseForWriting(_options.SpoolFsync != AuditSpoolFsync.Never);
            foreach (var segment in _segments)
            {
                segment.TryPersistAcknowledged();
                segment.Dispose();
            }

            _segments.Clear();
            _active = null;
            _lockFile?.Dispose();
            _lockFile = null;
        }
    }

    private void AcknowledgeLocked(SpoolSegment segment, int index)
    {
        // A segment dropped for the size cap while its record was being sent is already accounted for.
        if (!_segments.Contains(segment) || segment.State(index) == SpoolRecordState.Acknowledged)
        {
            return;
        }

        if (segment.State(index) == SpoolRecordState.Pending)
        {
            _pendingEvents -= segment.Records[index].Events;
            _pendingBatches--;
        }

        var drained = segment.Acknowledged == index && segment.FirstUnacknowledgedAfter(index) < 0;
        segment.Acknowledge(index, persist: !drained);
        if (!drained)
        {
            RetryLaggingProgress();
            return;
        }

        if (segment == _active)
        {
            // The active segment is drained: start the next write in a fresh file so this one can go.
            segment.CloseForWriting(flushToDisk: false);
            _active = null;
        }

        Remove(segment);
    }

    /// <summary>Progress markers that could not be written (a full disk) are retried as acknowledgements go on.</summary>
    private void RetryLaggingProgress()
    {
        foreach (var segment in _segments)
        {
            if (segment.AckPending && !segment.TryPersistAcknowledged())
            {
                return;
            }
        }
    }

    private void MakeRoom(long incoming)
    {
        while (_bytes + incoming > _options.SpoolMaxBytes && _segments.Count > 0)
        {
            var oldest = _segments[0];
            // Batches being sent from this segment are counted when (and if) their send fails: see Release.
            var events = oldest.PendingEvents;
            _pendingEvents -= events;
            _pendingBatches -= oldest.PendingRecords;
            if (oldest == _active)
            {
                _active = null;
            }

            Remove(oldest);
            if (events > 0)
            {
                _metrics.Dropped((int)events, AuditDropReasons.SpoolCap);
                AuditDeliveryLog.SpoolCapDropped(_logger, _options.SpoolMaxBytes, (int)events);
            }
        }
    }

    private void Remove(SpoolSegment segment)
    {
        _segments.Remove(segment);
        _bytes -= segment.FileBytes;
        segment.Delete();
    }

    private void Signal()
    {
        if (_available.CurrentCount == 0)
        {
            try
            {
                _available.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another writer signalled first; one wake-up is enough.
            }
        }
    }
}
