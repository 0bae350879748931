namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>Fault matrix 1: the real server is down for 30 s while the app keeps recording, then comes back.</summary>
public sealed class ServerDownFaultTests(AuditServerFixture fixture) : RealServerTestBase(fixture)
{
    private static readonly TimeSpan s_downtime = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Server_down_30_s_then_up_every_event_is_stored_once()
    {
        var tenant = await Server.CreateTenantAsync();
        var service = FaultMatrix.NewServiceName();
        await using var app = FaultMatrix.CreateApp(Server.Address, tenant, Spool.Path, service);
        await app.StartAsync();
        var health = app.Services.GetRequiredService<AuditDeliveryHealthCheck>();

        var written = FaultMatrix.Write(app, 100);
        await FaultMatrix.AssertStoredExactlyOnceAsync(tenant, service, written);

        await Server.KillAsync();
        var down = Stopwatch.StartNew();
        var degraded = false;
        while (down.Elapsed < s_downtime)
        {
            written.AddRange(FaultMatrix.Write(app, 20));
            degraded |= (await health.CheckHealthAsync(new HealthCheckContext())).Status == HealthStatus.Degraded;
            await Task.Delay(250);
        }

        degraded.ShouldBeTrue("the health check reports Degraded while the server is down");
        app.Services.GetRequiredService<AuditDeliveryService>().Spool!.PendingEvents.ShouldBeGreaterThan(0);

        await Server.StartAsync();
        await FaultMatrix.AssertStoredExactlyOnceAsync(tenant, service, written);
        await Eventually.TrueAsync(
            () => health.CheckHealthAsync(new HealthCheckContext()).Result.Status == HealthStatus.Healthy,
            "the health check is Healthy again once the spool is replayed",
            timeoutSeconds: 30);
    }
}
