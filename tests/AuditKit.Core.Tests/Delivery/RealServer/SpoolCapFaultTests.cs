namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>Fault matrix 5: the spool reaches its cap while the server is down.</summary>
public sealed class SpoolCapFaultTests(AuditServerFixture fixture) : RealServerTestBase(fixture)
{
    [Fact]
    public async Task At_the_spool_cap_the_oldest_are_dropped_and_counted_the_app_is_unaffected_and_the_rest_stored_once()
    {
        var tenant = await Server.CreateTenantAsync();
        var service = FaultMatrix.NewServiceName();
        await Server.KillAsync();
        await using var app = FaultMatrix.CreateApp(Server.Address, tenant, Spool.Path, service, o =>
        {
            o.Delivery.SpoolSegmentBytes = 64 * 1024;
            o.Delivery.SpoolMaxBytes = 128 * 1024;
            o.Delivery.BatchSize = 50;
        });
        using var dropped = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), AuditDeliveryMetrics.MeterName, "auditkit.delivery.dropped");
        await app.StartAsync();
        var spool = app.Services.GetRequiredService<AuditDeliveryService>().Spool!;

        var written = new List<Guid>();
        for (var chunk = 0; chunk < 20; chunk++)
        {
            written.AddRange(FaultMatrix.Write(app, 100));
            await Eventually.TrueAsync(() => spool.PendingEvents + Dropped(dropped) == written.Count, "the chunk is spooled (or dropped at the cap)");
        }

        var lost = Dropped(dropped);
        lost.ShouldBeGreaterThan(0, "2000 events do not fit in 128 KiB");
        dropped.GetMeasurementSnapshot().ShouldAllBe(m => (string?)m.Tags["reason"] == "spool_cap");
        spool.Bytes.ShouldBeLessThanOrEqualTo(128 * 1024);

        await Server.StartAsync();

        // The oldest were dropped: what is stored is the newest events, each once.
        await FaultMatrix.AssertStoredExactlyOnceAsync(tenant, service, written.Skip((int)lost).ToList());
    }

    private static long Dropped(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);
}
