using System.Diagnostics;
using System.Diagnostics.Metrics;
using AuditKit.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AuditKit.LoadTool;

/// <summary>
/// The 'pipeline' phase: one application's AuditKit delivery pipeline (<c>AddAuditKit</c>, <see cref="IAuditSink"/>)
/// sending to the server, measured from the first <see cref="IAuditSink.TryWrite"/> to the server's acknowledgement of
/// the last event, together with the process CPU time it took per event.
/// </summary>
internal static class PipelinePhase
{
    public static async Task<(PhaseResult Result, TimeSpan CpuPerEvent)> RunAsync(
        Uri server, string ingestKey, IReadOnlyList<AuditEvent> events, int batchSize, int senders, TimeSpan limit, AuditDeliveryDurability durability)
    {
        var spool = Directory.CreateTempSubdirectory("auditkit-load-spool-");
        var services = new ServiceCollection()
            .AddLogging()
            .AddAuditKit(o =>
            {
                o.ServerUrl = server;
                o.ApiKey = ingestKey;
                o.ServiceName = "load-tool";
                o.SpoolDirectory = spool.FullName;
                o.Delivery.BatchSize = batchSize;
                o.Delivery.MaxConcurrentBatches = senders;
                o.Delivery.Durability = durability;
            })
            .BuildServiceProvider();
        var capacity = new AuditDeliveryOptions().ChannelCapacity;

        long acknowledged = 0;
        using var progress = new SemaphoreSlim(0);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "AuditKit.Delivery" && instrument.Name is "auditkit.delivery.sent" or "auditkit.delivery.rejected")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            Interlocked.Add(ref acknowledged, value);
            progress.Release();
        });
        listener.Start();

        var hosted = services.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var sink = services.GetRequiredService<IAuditSink>();
        using var deadline = new CancellationTokenSource(limit);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();

        // Produce as fast as the pipeline delivers: keep the in-memory backlog under the point (half the channel) where
        // the pipeline would start spooling to disk, so this measures the live path.
        var window = (capacity / 2) - batchSize;
        var written = 0;
        foreach (var auditEvent in events)
        {
            while (written - Interlocked.Read(ref acknowledged) >= window && !deadline.IsCancellationRequested)
            {
                await progress.WaitAsync(TimeSpan.FromMilliseconds(100));
            }

            if (deadline.IsCancellationRequested || !sink.TryWrite(auditEvent))
            {
                break;
            }

            written++;
        }

        while (Interlocked.Read(ref acknowledged) < written && !deadline.IsCancellationRequested)
        {
            await progress.WaitAsync(TimeSpan.FromMilliseconds(100));
        }

        stopwatch.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var delivered = Interlocked.Read(ref acknowledged);

        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        await services.DisposeAsync();
        spool.Delete(recursive: true);

        var result = new PhaseResult($"pipeline (AddAuditKit → IAuditSink, batches of {batchSize}, {senders} senders, {durability})", delivered, stopwatch.Elapsed, deadline.IsCancellationRequested, CpuPerThousand: string.Empty);
        return (result, delivered == 0 ? TimeSpan.Zero : cpu / delivered);
    }
}
