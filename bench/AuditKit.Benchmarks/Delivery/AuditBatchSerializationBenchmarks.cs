using System.IO.Compression;
using System.Text.Json;
using System.Threading.Channels;
using AuditKit.Delivery;
using AuditKit.Delivery.Spool;
using BenchmarkDotNet.Attributes;

namespace AuditKit.Benchmarks.Delivery;

/// <summary>
/// The background cost of turning 500 events into a request body. Baseline: serialize the list in one call straight
/// into a gzip stream. The batcher instead validates and serializes each event on its own (so a batch can be cut by
/// bytes, spooled and split without serializing again), then gzips the concatenation. Also: encoding the same batch
/// as a checksummed spool record.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class AuditBatchSerializationBenchmarks
{
    private const int Events = 500;

    private List<AuditEvent> _events = null!;
    private AuditBatch _batch = null!;
    private AuditDeliveryOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _events = [.. Enumerable.Range(0, Events).Select(AuditEventSamples.Create)];
        _options = new AuditDeliveryOptions { BatchSize = Events, BatchBytes = AuditEventLimits.BatchBytes, Linger = TimeSpan.Zero };
        _batch = BatcherPath().Batch;
    }

    [Benchmark(Baseline = true)]
    public byte[] SerializeListIntoGzip()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, _events, AuditJsonContext.Default.ListAuditEvent);
        }

        return buffer.ToArray();
    }

    [Benchmark]
    public byte[] BatcherThenGzip() => BatcherPath().Body;

    [Benchmark]
    public byte[] SpoolRecord() => SpoolRecordFormat.Encode(_batch);

    private (AuditBatch Batch, byte[] Body) BatcherPath()
    {
        var channel = Channel.CreateUnbounded<AuditEvent>();
        foreach (var e in _events)
        {
            channel.Writer.TryWrite(e);
        }

        var batcher = new AuditBatcher(channel.Reader, _options, TimeProvider.System, static (_, _) => throw new InvalidOperationException("invalid sample"));
        var batch = batcher.NextBatchAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()!;
        return (batch, batch.ToGzipJson());
    }
}
