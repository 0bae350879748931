namespace AuditKit.Core.Tests.Delivery;

/// <summary>The spool on a real 2 MiB tmpfs that fills up while the server is down.</summary>
public sealed class SpoolFullDiskTests : IAsyncLifetime
{
    private AuditReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await AuditReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [TmpfsFact]
    public async Task On_a_full_disk_lost_events_are_counted_the_check_is_Unhealthy_and_the_replay_runs_at_full_speed()
    {
        using var disk = TmpfsMount.Mount("2m");
        await _receiver.StopAsync();
        await using var app = TestApp.Create(_receiver.Address, disk.Path, o =>
        {
            o.Delivery.SpoolSegmentBytes = 256 * 1024;
            o.Delivery.BatchSize = 100;

            // The default: before progress markers were kept in memory, each one a full disk refused cost this long.
            o.Delivery.CircuitBreakerBreakDuration = new AuditDeliveryOptions().CircuitBreakerBreakDuration;
        });
        using var dropped = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), AuditDeliveryMetrics.MeterName, "auditkit.delivery.dropped");
        await app.StartAsync();
        var spool = app.Services.GetRequiredService<AuditDeliveryService>().Spool!;
        var health = app.Services.GetRequiredService<AuditDeliveryHealthCheck>();

        var written = 0;
        while (Lost(dropped) == 0 && written < 40_000)
        {
            written += FaultMatrixWrite(app, 1000);
            var expected = written;
            await Eventually.TrueAsync(() => spool.PendingEvents + Lost(dropped) == expected, () => $"the chunk is spooled or counted as lost ({spool.PendingEvents} + {Lost(dropped)} of {expected})", timeoutSeconds: 30);
        }

        var lost = Lost(dropped);
        lost.ShouldBeGreaterThan(0, "2 MiB cannot hold every event");
        dropped.GetMeasurementSnapshot().ShouldAllBe(m => (string?)m.Tags["reason"] == "unspoolable");
        var report = await health.CheckHealthAsync(new HealthCheckContext());
        report.Status.ShouldBe(HealthStatus.Unhealthy);
        report.Data["lost_events"].ShouldBe(lost);
        report.Description!.ShouldContain($"{lost} audit event(s) were lost");

        var spooled = spool.PendingEvents;
        await _receiver.RestartAsync();

        // The first probe of the returning server waits out the break duration; from there on the replay must not pause.
        await Eventually.TrueAsync(() => !_receiver.Stored.IsEmpty, "the replay starts", timeoutSeconds: 30);
        var replay = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => _receiver.Stored.Count == spooled, () => $"the spool is replayed ({_receiver.Stored.Count} of {spooled})", timeoutSeconds: 60);
        replay.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), $"replaying {spooled} events from a full disk stalled");
        _receiver.Posted.Values.ShouldAllBe(n => n == 1);
        await Eventually.TrueAsync(() => spool.IsEmpty, "the spool is empty");
    }

    private static int FaultMatrixWrite(TestApp app, int count)
    {
        for (var i = 0; i < count; i++)
        {
            app.Sink.TryWrite(TestApp.NewEvent()).ShouldBeTrue();
        }

        return count;
    }

    private static long Lost(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);
}
