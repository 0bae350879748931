using System.Buffers;

namespace AuditKit.Middleware;

/// <summary>
/// The first bytes of a request or response body, copied as the application reads or writes them: at most the
/// configured limit is kept (from the shared array pool), and the full length is counted so an oversized body is
/// recorded by size only.
/// </summary>
internal sealed class BodyCaptureBuffer(int limit) : IDisposable
{
    private byte[]? _buffer;
    private int _captured;

    /// <summary>How many bytes of the body went by, in total.</summary>
    public long Length { get; private set; }

    /// <summary>Whether the body was larger than the limit (so what was kept is not the whole body).</summary>
    public bool Truncated => Length > limit;

    /// <summary>The whole body, when it fitted within the limit.</summary>
    public ReadOnlySpan<byte> Content => _buffer is null ? [] : _buffer.AsSpan(0, _captured);

    /// <summary>Copies what falls within the limit of <paramref name="data"/>, which sits at <paramref name="position"/> of the body.</summary>
    public void Append(ReadOnlySpan<byte> data, long position)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Length = Math.Max(Length, position + data.Length);

        // Only bytes right after what is already kept are copied: re-reads of a rewound body are not kept twice.
        if (position > _captured || _captured >= limit)
        {
            return;
        }

        var skip = (int)(_captured - position);
        if (skip >= data.Length)
        {
            return;
        }

        var take = Math.Min(data.Length - skip, limit - _captured);
        _buffer ??= ArrayPool<byte>.Shared.Rent(limit);
        data.Slice(skip, take).CopyTo(_buffer.AsSpan(_captured));
        _captured += take;
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _captured = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
