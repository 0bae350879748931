using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using AuditKit.Server.Storage;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Writes events as one JSON array or as NDJSON (one event per line), each event exactly as the list endpoint
/// answers it (see <see cref="AuditExportJson"/>), NDJSON lines followed by the event's chain fields. The writer goes straight into the response's pipe and flushes
/// every ~32 KB, so memory stays flat and a slow client slows the database read down (back-pressure) instead of
/// filling the server's memory.
/// </summary>
internal static class AuditJsonExportWriter
{
    private const int FlushBytes = 32 * 1024;

    public static async Task<long> WriteAsync(
        IAsyncEnumerable<AuditEventRow> events, PipeWriter body, bool lines, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = json.Encoder });
        if (!lines)
        {
            writer.WriteStartArray();
        }

        long rows = 0;

        // Bytes handed to the pipe (or held by the writer) since the pipe was last flushed.
        long pending = 0;
        await foreach (var row in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (lines)
            {
                // One root value per line: the writer starts afresh for each. NDJSON is the verifiable export: each
                // line carries what `verify --file` needs to recompute the chain.
                AuditExportJson.WriteEvent(writer, row, chain: true);
                writer.Flush();
                pending += writer.BytesCommitted + 1;
                body.Write("\n"u8);
                writer.Reset(body);
            }
            else
            {
                var before = writer.BytesCommitted + writer.BytesPending;
                AuditExportJson.WriteEvent(writer, row);
                pending += writer.BytesCommitted + writer.BytesPending - before;
            }

            rows++;
            if (pending >= FlushBytes)
            {
                writer.Flush();
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                pending = 0;
            }
        }

        if (!lines)
        {
            writer.WriteEndArray();
        }

        writer.Flush();
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }
}
