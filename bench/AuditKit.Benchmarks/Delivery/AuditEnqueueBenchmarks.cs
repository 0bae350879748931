using System.Threading.Channels;
using AuditKit.Delivery;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AuditKit.Benchmarks.Delivery;

/// <summary>
/// What <see cref="IAuditSink.TryWrite"/> costs the request path, against a bare bounded channel (the least any
/// in-process hand-off can cost). Each invocation writes 1,000 events, then reads them back out so the channel never
/// fills; both sides pay the same read.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class AuditEnqueueBenchmarks
{
    private const int Events = 1000;

    private AuditDeliveryPipeline _pipeline = null!;
    private Channel<AuditEvent> _channel = null!;
    private AuditEvent[] _events = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new AuditKitOptions { ServiceName = "orders-api", Delivery = { ChannelCapacity = Events * 2 } });
        _pipeline = new AuditDeliveryPipeline(options, new AuditDeliveryMetrics(), TimeProvider.System, NullLogger<AuditDeliveryPipeline>.Instance);
        _channel = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(Events * 2)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _events = [.. Enumerable.Range(0, Events).Select(AuditEventSamples.Create)];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public int BoundedChannel()
    {
        foreach (var e in _events)
        {
            _channel.Writer.TryWrite(e);
        }

        var read = 0;
        while (_channel.Reader.TryRead(out _))
        {
            read++;
        }

        return read;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int AuditSinkTryWrite()
    {
        foreach (var e in _events)
        {
            _pipeline.TryWrite(e);
        }

        var read = 0;
        while (_pipeline.Reader.TryRead(out _))
        {
            read++;
        }

        return read;
    }
}
