using Microsoft.Extensions.Logging;

namespace AuditKit.Delivery.Spool;

/// <summary>
/// The durable spool: batches that could not be delivered, kept in append-only, checksummed segment files until the
/// server takes them, then replayed oldest first. Bounded by <see cref="AuditDeliveryOptions.SpoolMaxBytes"/>:
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

    /// <summary>Writes <paramref name="batch"/> durably (per <see cref="AuditDeliveryOptions.SpoolFsync"/>).</summary>
    public void Append(AuditBatch batch)
    {
        var record = SpoolRecordFormat.Encode(batch);
        lock (_lock)
        {
            if (_lockFile is null)
            {
                throw new InvalidOperationException("The spool is not open.");
            }

            MakeRoom(record.Length);
            if (_active is null || (_active.WriteOffset > 0 && _active.WriteOffset + record.Length > _options.SpoolSegmentBytes))
            {
                _active?.CloseForWriting(_options.SpoolFsync == AuditSpoolFsync.OnSegmentClose);
                _active = SpoolSegment.Create(Directory, _nextSequence++);
                _segments.Add(_active);
            }

            _active.Append(record, _options.SpoolFsync == AuditSpoolFsync.EveryWrite);
            _bytes += record.Length;
            _pendingEvents += batch.Count;
            _pendingBatches++;
        }

        _metrics.Spooled(batch.Count);
        Signal();
    }

    /// <summary>The oldest batch not yet acknowledged, or <see langword="null"/> when the spool is empty.</summary>
    public SpoolEntry? Peek()
    {
        lock (_lock)
        {
            while (_segments.FirstOrDefault(s => !s.IsFullyAcknowledged) is { } segment)
            {
                var index = segment.Acknowledged;
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

    /// <summary>Marks <paramref name="entry"/> as delivered: it will not be replayed again, even after a restart.</summary>
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
        // A segment dropped for the size cap while its record was being replayed is already accounted for.
        if (!_segments.Contains(segment) || index != segment.Acknowledged)
        {
            return;
        }

        var events = segment.Records[index].Events;
        _pendingEvents -= events;
        _pendingBatches--;
        if (index + 1 == segment.Records.Count && segment != _active)
        {
            Remove(segment);
        }
        else if (index + 1 == segment.Records.Count)
        {
            // The active segment is drained: start the next write in a fresh file so this one can go.
            segment.CloseForWriting(flushToDisk: false);
            _active = null;
            Remove(segment);
        }
        else
        {
            segment.Acknowledge(index + 1);
        }
    }

    private void MakeRoom(long incoming)
    {
        while (_bytes + incoming > _options.SpoolMaxBytes && _segments.Count > 0)
        {
            var oldest = _segments[0];
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
