using System.Buffers;

namespace AuditKit.Server.Ingest;

/// <summary>
/// A request body read whole into a pooled buffer, bounded in size after decompression (request decompression
/// wraps <see cref="HttpRequest.Body"/>, so what is counted here is the decompressed JSON).
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int InitialBufferBytes = 16 * 1024;

    private byte[]? _buffer;
    private readonly int _length;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    /// <summary>The body's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Content => _buffer is { } buffer
        ? buffer.AsMemory(0, _length)
        : throw new ObjectDisposedException(nameof(RequestBody));

    /// <summary>
    /// Reads the body of <paramref name="request"/>, at most <paramref name="maxBytes"/> bytes. Returns the body, or
    /// the problem to answer with: 413 when it is larger, 400 when the compressed stream is corrupt or the body is empty.
    /// </summary>
    public static async Task<(RequestBody? Body, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var pool = ArrayPool<byte>.Shared;
        var initial = request.ContentLength is long declared and > 0 and < int.MaxValue
            ? (int)Math.Min(declared, (long)maxBytes + 1)
            : InitialBufferBytes;
        var buffer = pool.Rent(Math.Max(initial, 256));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var grown = pool.Rent((int)Math.Min((long)buffer.Length * 2, (long)maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    pool.Return(buffer);
                    buffer = grown;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    pool.Return(buffer);
                    return (null, TooLarge(maxBytes));
                }
            }
        }
        catch (InvalidDataException)
        {
            pool.Return(buffer);
            return (null, BadBody("could not be decompressed: it is not valid data for its Content-Encoding."));
        }
        catch (InvalidOperationException ex) when (ex.TargetSite?.DeclaringType?.Namespace == "System.IO.Compression")
        {
            // Brotli reports corrupt input as InvalidOperationException ("Decoder ran into invalid data").
            pool.Return(buffer);
            return (null, BadBody("could not be decompressed: it is not valid data for its Content-Encoding."));
        }
        catch (BadHttpRequestException ex)
        {
            pool.Return(buffer);
            return ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? (null, TooLarge(maxBytes))
                : (null, Problem(ex.StatusCode, "The request body could not be read.", ex.Message));
        }
        catch
        {
            pool.Return(buffer);
            throw;
        }

        if (length == 0)
        {
            pool.Return(buffer);
            return (null, BadBody("is empty; a JSON document is required."));
        }

        return (new RequestBody(buffer, length), null);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ProblemHttpResult TooLarge(int maxBytes) => Problem(
        StatusCodes.Status413PayloadTooLarge,
        "Request body too large",
        $"The request body is larger than {maxBytes} bytes after decompression.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>A 400 whose <c>errors</c> map names the body, like every other validation problem.</summary>
    private static ProblemHttpResult BadBody(string message) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request body could not be read.",
            detail: "The body " + message,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { [JsonSyntaxErrorLocator.BodyField] = ["The body " + message] },
            });
}
