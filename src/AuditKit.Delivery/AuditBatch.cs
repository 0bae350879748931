using System.IO.Compression;

namespace AuditKit.Delivery;

/// <summary>
/// Events ready to send: each already serialized to its UTF-8 JSON form once, so the batch can be posted, spooled
/// and replayed without serializing again.
/// </summary>
internal sealed class AuditBatch
{
    public AuditBatch(IReadOnlyList<ReadOnlyMemory<byte>> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Events = events;
        var bytes = 2L + Math.Max(0, events.Count - 1);
        foreach (var e in events)
        {
            bytes += e.Length;
        }

        JsonBytes = bytes;
    }

    /// <summary>The serialized events, in the order they were written to the sink.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Events { get; }

    /// <summary>The size of the JSON array of all events, uncompressed.</summary>
    public long JsonBytes { get; }

    public int Count => Events.Count;

    /// <summary>The request body: the JSON array of the events, gzip-compressed.</summary>
    public byte[] ToGzipJson()
    {
        using var buffer = new MemoryStream(capacity: (int)Math.Min(int.MaxValue, JsonBytes / 4 + 64));
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            WriteJsonArray(gzip);
        }

        return buffer.ToArray();
    }

    /// <summary>Writes <c>[e1,e2,...]</c>.</summary>
    public void WriteJsonArray(Stream stream)
    {
        stream.WriteByte((byte)'[');
        for (var i = 0; i < Events.Count; i++)
        {
            if (i > 0)
            {
                stream.WriteByte((byte)',');
            }

            stream.Write(Events[i].Span);
        }

        stream.WriteByte((byte)']');
    }

    /// <summary>Splits the batch in two halves (used when the server finds it too large).</summary>
    public (AuditBatch First, AuditBatch Second) Split()
    {
        var half = Events.Count / 2;
        return (new AuditBatch([.. Events.Take(half)]), new AuditBatch([.. Events.Skip(half)]));
    }
}
