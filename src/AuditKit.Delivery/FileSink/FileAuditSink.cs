using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditKit.Delivery;

/// <summary>
/// An <see cref="IAuditSink"/> for applications that cannot reach an AuditKit server (yet): events are appended as
/// JSON Lines, one event of the wire contract per line, to <see cref="AuditFileSinkOptions.Path"/>, rotated by size into
/// <c>Path.1</c> … <c>Path.N</c>. The server's <c>import</c> command stores such files later, idempotently.
/// </summary>
/// <remarks>
/// <see cref="TryWrite"/> never waits on the disk: events go into a bounded channel that one background writer drains,
/// writing what is waiting and then handing it to the operating system (and to the disk with
/// <see cref="AuditFileSinkOptions.FlushToDisk"/>). A failing disk is logged and counted, never thrown into the
/// application; the writer reopens the file for the next events. Disposing drains the channel and closes the file.
/// </remarks>
internal sealed class FileAuditSink : IAuditSink, IAsyncDisposable, IDisposable
{
    /// <summary>The <c>reason</c> tag of an event lost because the file could not be written.</summary>
    public const string FileUnwritable = "file_unwritable";

    /// <summary>The <c>reason</c> tag of an event that could not be serialized.</summary>
    public const string Unserializable = "unserializable";


    private readonly Channel<AuditEvent> _channel;
    private readonly AuditFileSinkMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly DropLogThrottle _drops;
    private readonly ILogger _logger;
    private readonly long _maxFileSize;
    private readonly int _maxBackups;
    private readonly bool _flushToDisk;
    private readonly string? _serviceName;
    private readonly string? _serviceVersion;
    private readonly Task _writer;
    private FileStream? _file;
    private int _disposed;

    public FileAuditSink(
        IOptions<AuditFileSinkOptions> options,
        AuditFileSinkMetrics metrics,
        TimeProvider time,
        ILogger<FileAuditSink> logger,
        IOptions<AuditKitOptions>? kitOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        Path = System.IO.Path.GetFullPath(value.Path);
        _maxFileSize = value.MaxFileSizeBytes;
        _maxBackups = value.MaxBackups;
        _flushToDisk = value.FlushToDisk;
        _metrics = metrics;
        _time = time;
        _drops = new DropLogThrottle(time);
        _logger = logger;
        _serviceName = kitOptions?.Value.ServiceName;
        _serviceVersion = kitOptions?.Value.ServiceVersion;
        _channel = AuditEventChannel.Create(value.ChannelCapacity);
        _writer = Task.Run(WriteAllAsync);
    }

    /// <summary>The full path of the file events are appended to.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public bool TryWrite(AuditEvent auditEvent)
    {
        if (AuditEventChannel.TryWrite(_channel.Writer, auditEvent, _serviceName, _serviceVersion))
        {
            _metrics.Enqueued();
            return true;
        }

        var shutDown = Volatile.Read(ref _disposed) != 0;
        _metrics.Dropped(1, shutDown ? AuditDropReasons.ShutDown : AuditDropReasons.ChannelFull);
        _drops.Drop(shutDown, _logger, _channel.Reader, AuditFileSinkLog.DroppedAfterShutdown, AuditFileSinkLog.DroppedChannelFull);
        return false;
    }

    /// <summary>Refuses further events, writes those waiting, and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _writer.ConfigureAwait(false);
            return;
        }

        _channel.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    /// <summary>Refuses further events, writes those waiting, and closes the file.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WriteAllAsync()
    {
        var reader = _channel.Reader;
        var pending = new List<byte[]>();
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                pending.Clear();
                while (pending.Count < 1024 && reader.TryRead(out var auditEvent))
                {
                    if (Serialize(auditEvent) is { } line)
                    {
                        pending.Add(line);
                    }
                }

                await WriteAsync(pending).ConfigureAwait(false);
            }
        }
        finally
        {
            Close();
        }
    }

    private byte[]? Serialize(AuditEvent auditEvent)
    {
        try
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditJsonContext.Default.AuditEvent);
            var line = new byte[json.Length + 1];
            json.CopyTo(line, 0);
            line[^1] = (byte)'\n';
            return line;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            _metrics.Dropped(1, Unserializable);
            AuditFileSinkLog.Unserializable(_logger, auditEvent.Id, ex);
            return null;
        }
    }

    private async Task WriteAsync(List<byte[]> lines)
    {
        // Lines count as written once flushed to the operating system; a failure loses the rest of this drain.
        var written = 0;
        var flushed = 0;
        try
        {
            foreach (var line in lines)
            {
                var file = _file ?? Open();
                if (file.Length > 0 && file.Length + line.Length > _maxFileSize)
                {
                    await file.FlushAsync().ConfigureAwait(false);
                    flushed = written;
                    Rotate();
                    file = Open();
                }

                await file.WriteAsync(line).ConfigureAwait(false);
                written++;
            }

            if (_file is { } open)
            {
                await open.FlushAsync().ConfigureAwait(false);
                if (_flushToDisk)
                {
                    open.Flush(flushToDisk: true);
                }
            }

            flushed = written;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Discard();
            _metrics.Dropped(lines.Count - flushed, FileUnwritable);
            AuditFileSinkLog.WriteFailed(_logger, lines.Count - flushed, Path, ex);
        }

        _metrics.Written(flushed);
    }

    // Drops the open file after a failure, so the next events reopen it (the disk may have come back).
    private void Discard()
    {
        var file = _file;
        _file = null;
        try
        {
            file?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Its buffer could not be written either: those lines are already counted as lost.
        }
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024, useAsync: true);
        return _file;
    }

    // Path.N-1 → Path.N … Path → Path.1, the oldest beyond MaxBackups deleted: Path.1 is always the newest backup.
    private void Rotate()
    {
        _file?.Dispose();
        _file = null;
        if (_maxBackups == 0)
        {
            File.Delete(Path);
        }
        else
        {
            File.Delete(Backup(_maxBackups));
            for (var i = _maxBackups - 1; i >= 1; i--)
            {
                if (File.Exists(Backup(i)))
                {
                    File.Move(Backup(i), Backup(i + 1), overwrite: true);
                }
            }

            File.Move(Path, Backup(1), overwrite: true);
        }

        _metrics.Rotated();
        AuditFileSinkLog.Rotated(_logger, Path, _maxFileSize, _maxBackups);
    }

    private string Backup(int number) => Path + "." + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Close()
    {
        if (_file is not { } file)
        {
            return;
        }

        _file = null;
        try
        {
            file.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AuditFileSinkLog.WriteFailed(_logger, 0, Path, ex);
        }
    }
}
