namespace AuditKit.Middleware;

/// <summary>Wraps the request body and keeps the first bytes the application reads, for minimal APIs and controllers alike.</summary>
internal sealed class RequestBodyCaptureStream(Stream inner, BodyCaptureBuffer capture) : Stream
{
    private long _position;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.CanSeek ? inner.Position : _position;
        set
        {
            inner.Position = value;
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var position = Position;
        var read = inner.Read(buffer);
        Captured(buffer[..read], position);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var position = Position;
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Captured(buffer.Span[..read], position);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        _position = inner.Seek(offset, origin);
        return _position;
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Captured(ReadOnlySpan<byte> data, long position)
    {
        capture.Append(data, position);
        if (!inner.CanSeek)
        {
            _position = position + data.Length;
        }
    }
}
