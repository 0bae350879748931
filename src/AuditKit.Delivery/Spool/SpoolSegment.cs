using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace AuditKit.Delivery.Spool;

/// <summary>
/// One append-only spool file (<c>{sequence}.segment</c>) and its progress marker (<c>{sequence}.ack</c>: how many
/// of its records the server has acknowledged). Only the newest segment is written to; only the oldest is read.
/// Not thread-safe: <see cref="AuditSpool"/> serializes access.
/// </summary>
internal sealed class SpoolSegment : IDisposable
{
    public const string Extension = ".segment";
    private const string AckExtension = ".ack";

    private readonly List<SpoolRecordInfo> _records = [];
    private SafeFileHandle? _handle;
    private bool _writable;

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

    /// <summary>Where the next record is appended.</summary>
    public long WriteOffset { get; private set; }

    /// <summary>The bytes this segment takes on disk, damaged ones included.</summary>
    public long FileBytes { get; private set; }

    public bool IsWritable => _writable;

    public bool IsFullyAcknowledged => Acknowledged >= _records.Count;

    /// <summary>The events not yet acknowledged.</summary>
    public long PendingEvents
    {
        get
        {
            long events = 0;
            for (var i = Acknowledged; i < _records.Count; i++)
            {
                events += _records[i].Events;
            }

            return events;
        }
    }

    public int PendingRecords => _records.Count - Acknowledged;

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
        return segment;
    }

    public void Append(byte[] record, bool flushToDisk)
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

    /// <summary>Records that the first <paramref name="count"/> records were acknowledged by the server.</summary>
    public void Acknowledge(int count)
    {
        Acknowledged = count;
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, count);

        // Losing this marker only means the acknowledged records are sent again, and the server ignores duplicates.
        using var handle = File.OpenHandle(AckPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        RandomAccess.Write(handle, buffer, 0);
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
