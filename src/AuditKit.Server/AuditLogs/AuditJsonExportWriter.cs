using System.Buffers;
using System.IO.Pipelines;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Writes events as one JSON array or as NDJSON (one event per line), each event exactly as the list endpoint
/// answers it (see <see cref="AuditExportJson"/>), NDJSON lines followed by the event's chain fields. The writer goes straight into the response's pipe and flushes
/// every ~32 KB, so memory stays flat and a slow client slows the database read down (back-pressure) instead of
/// filling the server's memory. NDJSON ends with one line per signed erasure anchor of the exported events
/// (<c>"record":"erasure_anchor"</c>), which <c>verify --file</c> needs to accept an event an erasure rewrote.
/// </summary>
internal static class AuditJsonExportWriter
{
    private const int FlushBytes = 32 * 1024;

    /// <summary>
    /// How many seqs the erasure anchors are read for at a time: the anchors of a window are held at once, and a window
    /// no exported event falls in is not read.
    /// </summary>
    public const long AnchorWindow = 10_000;

    /// <summary>Writes <paramref name="events"/>, with no erasure anchors.</summary>
    public static Task<long> WriteAsync(
        IAsyncEnumerable<AuditEventRow> events, PipeWriter body, bool lines, JsonSerializerOptions json, CancellationToken cancellationToken) =>
        WriteAsync(events, body, lines, json, anchors: null, cancellationToken);

    /// <summary>
    /// Writes <paramref name="events"/>; as NDJSON, followed by the signed erasure anchors that
    /// <paramref name="anchors"/> (seq from, seq to) answers for the seqs written, those of other seqs left out.
    /// Returns how many events were written.
    /// </summary>
    public static async Task<long> WriteAsync(
        IAsyncEnumerable<AuditEventRow> events,
        PipeWriter body,
        bool lines,
        JsonSerializerOptions json,
        Func<long, long, CancellationToken, Task<IReadOnlyList<ErasureAnchorRow>>>? anchors,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(json);
        var seqs = lines && anchors is not null ? new ExportedSeqs() : null;
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
                seqs?.Add(row.Seq);
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

        if (seqs is { IsEmpty: false })
        {
            for (var from = seqs.Min; from <= seqs.Max; from += AnchorWindow)
            {
                var to = Math.Min(from + AnchorWindow - 1, seqs.Max);
                if (!seqs.Any(from, to))
                {
                    continue;
                }

                foreach (var anchor in await anchors!(from, to, cancellationToken).ConfigureAwait(false))
                {
                    if (!seqs.Contains(anchor.Seq))
                    {
                        continue;
                    }

                    AuditExportJson.WriteErasureAnchor(writer, anchor);
                    writer.Flush();
                    pending += writer.BytesCommitted + 1;
                    body.Write("\n"u8);
                    writer.Reset(body);
                }

                if (pending >= FlushBytes)
                {
                    await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    pending = 0;
                }
            }
        }

        writer.Flush();
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }
}
