using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace AuditKit.Delivery.Spool;

/// <summary>
/// One append-only spool file (<c>{sequence}.segment</c>) and its progress marker (<c>{sequence}.ack</c>: how many
/// of its records, from the start, the server has acknowledged). Only the newest segment is written to. Records may
/// be acknowledged out of order (several senders); the marker only ever records the acknowledged prefix, so a
/// restart re-sends at most the few acknowledged records behind an unacknowledged one, which the server ignores as
/// duplicates. Not thread-safe: <see cref="AuditSpool"/> serializes access.
/// </summary>
internal sealed class SpoolSegment : IDisposable
{
    public const string Extension = ".segment";
    private const string AckExtension = ".ack";

    private readonly List<SpoolRecordInfo> _records = [];
    private readonly List<SpoolRecordState> _states = [];
    private SafeFileHandle? _handle;
    private bool _writable;
    private int _persistedAcknowledged;

    private SpoolSegment(string directory, long sequence)
    {
        Sequence = sequence;
        Path = System.IO.Path.Combine(directory, sequence.ToString("D12", CultureInfo.InvariantCulture) + Extension);
        AckPath = System.IO.Path.ChangeExtension(Path, AckExtension);
    }

    public long Sequence { get; }

    public string Path { get; }

    private string AckPath { get; }

    /// <summary>The valid records, in write order.</summary>
    public IReadOnlyList<SpoolRecordInfo> Records => _records;

    /// <summary>How many records, from the start, the server has acknowledged.</summary>
    public int Acknowledged { get; private set; }

    /// <summary>Whether the progress marker on disk lags behind <see cref="Acknowledged"/> (a write failed, e.g. disk full).</summary>
    public bool AckPending => _persistedAcknowledged != Acknowledged;

    /// <summary>Where the next record is appended.</summary>
    public long WriteOffset { get; private set; }

    /// <summary>The bytes this segment takes on disk, damaged ones included.</summary>
    public long FileBytes { get; private set; }

    public bool IsWritable => _writable;

    public bool IsFullyAcknowledged => Acknowledged >= _records.Count;

    /// <summary>The events waiting to be replayed (neither acknowledged nor being sent).</summary>
    public long PendingEvents => Sum(SpoolRecordState.Pending, r => r.Events);

    /// <summary>The records waiting to be replayed.</summary>
    public int PendingRecords => (int)Sum(SpoolRecordState.Pending, _ => 1);

    /// <summary>The first record waiting to be replayed, or -1.</summary>
    public int FirstPending() => _states.IndexOf(SpoolRecordState.Pending, Acknowledged);

    public SpoolRecordState State(int index) => _states[index];

    /// <summary>The first record after <paramref name="index"/> the server has not acknowledged, or -1.</summary>
    public int FirstUnacknowledgedAfter(int index)
    {
        for (var i = index + 1; i < _states.Count; i++)
        {
            if (_states[i] != SpoolRecordState.Acknowledged)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Marks record <paramref name="index"/> as being sent (<see cref="SpoolRecordState.InFlight"/>) or waiting again.</summary>
    public void SetState(int index, SpoolRecordState state)
    {
        if (state == SpoolRecordState.Acknowledged)
        {
            throw new ArgumentException("Use Acknowledge.", nameof(state));
        }

        _states[index] = state;
    }

    /// <summary>Starts a new, empty segment for writing.</summary>
    public static SpoolSegment Create(string directory, long sequence)
    {
        var segment = new SpoolSegment(directory, sequence);
        segment._handle = File.OpenHandle(segment.Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        segment._writable = true;
        return segment;
    }

    /// <summary>
    /// Indexes an existing segment left by an earlier run. Damaged stretches (a torn tail after a power loss, flipped
    /// bits) are reported through <paramref name="onDamage"/> and skipped: scanning resumes at the next record marker
    /// whose checksum holds. The segment is never written to again.
    /// </summary>
    public static SpoolSegment Recover(string path, long sequence, Action<long, string> onDamage)
    {
        var segment = new SpoolSegment(System.IO.Path.GetDirectoryName(path)!, sequence);
        var data = File.ReadAllBytes(path);
        segment.FileBytes = data.Length;
        long offset = 0;
        while (offset < data.Length)
        {
            if (SpoolRecordFormat.TryRead(data, offset, out var length, out var batch, out var damage))
            {
                segment._records.Add(new SpoolRecordInfo(offset, length, batch!.Count));
                offset += length;
                continue;
            }

            onDamage(offset, damage!);
            offset = NextMarker(data, offset + 1);
        }

        segment.WriteOffset = data.Length;
        segment.Acknowledged = Math.Min(ReadAck(segment.AckPath), segment._records.Count);
        segment._persistedAcknowledged = segment.Acknowledged;
        for (var i = 0; i < segment._records.Count; i++)
        {
            segment._states.Add(i < segment.Acknowledged ? SpoolRecordState.Acknowledged : SpoolRecordState.Pending);
        }

        return segment;
    }

    /// <summary>Appends <paramref name="record"/>; it starts in <paramref name="state"/> (pending, or already being sent).</summary>
    public void Append(byte[] record, bool flushToDisk, SpoolRecordState state = SpoolRecordState.Pending)
    {
        if (!_writable || _handle is null)
        {
            throw new InvalidOperationException("The segment is closed for writing.");
        }

        RandomAccess.Write(_handle, record, WriteOffset);
        if (flushToDisk)
        {
            RandomAccess.FlushToDisk(_handle);
        }

        _records.Add(new SpoolRecordInfo(WriteOffset, record.Length, ReadEventCount(record)));
        _states.Add(state);
        WriteOffset += record.Length;
        FileBytes = WriteOffset;
    }

    /// <summary>Reads record <paramref name="index"/> back.</summary>
    public AuditBatch Read(int index)
    {
        var info = _records[index];
        _handle ??= File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[info.Length];
        var read = RandomAccess.Read(_handle, buffer, info.Offset);
        if (read != info.Length)
        {
            throw new InvalidDataException($"Spool record {index} of {Path} is shorter on disk than when it was written.");
        }

        if (!SpoolRecordFormat.TryRead(buffer, 0, out _, out var batch, out var damage))
        {
            throw new InvalidDataException($"Spool record {index} of {Path} changed on disk since it was written ({damage}).");
        }

        return batch!;
    }

    /// <summary>
    /// Records that the server took record <paramref name="index"/>. The progress marker is written when the
    /// acknowledged prefix grows and <paramref name="persist"/> is set (not when the segment is about to be deleted).
    /// </summary>
    public void Acknowledge(int index, bool persist = true)
    {
        _states[index] = SpoolRecordState.Acknowledged;
        var prefix = Acknowledged;
        while (prefix < _states.Count && _states[prefix] == SpoolRecordState.Acknowledged)
        {
            prefix++;
        }

        Acknowledged = prefix;
        if (persist)
        {
            TryPersistAcknowledged();
        }
    }

    /// <summary>
    /// Writes the progress marker when it lags. A failure (a full disk) is not an error: progress is kept in memory
    /// and written at the next chance; losing it only means acknowledged records are sent again, and the server
    /// ignores duplicates.
    /// </summary>
    public bool TryPersistAcknowledged()
    {
        if (_persistedAcknowledged == Acknowledged)
        {
            return true;
        }

        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, Acknowledged);
        try
        {
            using var handle = File.OpenHandle(AckPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
            RandomAccess.Write(handle, buffer, 0);
            _persistedAcknowledged = Acknowledged;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Stops writing to this segment (it stays readable).</summary>
    public void CloseForWriting(bool flushToDisk)
    {
        if (_writable && _handle is not null)
        {
            if (flushToDisk)
            {
                RandomAccess.FlushToDisk(_handle);
            }

            _handle.Dispose();
            _handle = null;
        }

        _writable = false;
    }

    public void Delete()
    {
        Dispose();
        File.Delete(Path);
        File.Delete(AckPath);
    }

    public void Dispose()
    {
        _handle?.Dispose();
        _handle = null;
        _writable = false;
    }

    private long Sum(SpoolRecordState state, Func<SpoolRecordInfo, long> value)
    {
        long sum = 0;
        for (var i = Acknowledged; i < _records.Count; i++)
        {
            if (_states[i] == state)
            {
                sum += value(_records[i]);
            }
        }

        return sum;
    }

    public static bool TryParseSequence(string path, out long sequence)
        => long.TryParse(System.IO.Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);

    private static int ReadEventCount(byte[] record) => BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(SpoolRecordFormat.HeaderSize));

    private static long NextMarker(byte[] data, long from)
    {
        Span<byte> marker = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(marker, SpoolRecordFormat.Magic);
        var index = data.AsSpan((int)Math.Min(from, data.Length)).IndexOf(marker);
        return index < 0 ? data.Length : from + index;
    }

    private static int ReadAck(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return bytes.Length >= 4 ? Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(bytes)) : 0;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}
