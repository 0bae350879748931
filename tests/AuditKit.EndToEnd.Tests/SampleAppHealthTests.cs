using System.Net.Sockets;

namespace AuditKit.EndToEnd.Tests;

/// <summary>The sample-app's <c>/health</c> carries the audit delivery check, and <c>/metrics</c> the auditkit.* counters.</summary>
public sealed class SampleAppHealthTests : IAsyncLifetime
{
    private AuditKitServerHost _server = null!;
    private string _ingestKey = null!;

    public async Task InitializeAsync()
    {
        _server = await AuditKitServerHost.StartAsync();
        (_, _ingestKey, _) = await _server.CreateTenantAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Health_reports_the_delivery_check_and_metrics_export_the_auditkit_counters()
    {
        await using var sample = new SampleAppHost(_server.Address, _ingestKey);
        using var client = sample.CreateClient();
        (await client.GetAsync("/api/ping")).EnsureSuccessStatusCode();

        var health = await client.GetAsync("/health");
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        var delivery = report.RootElement.GetProperty("checks").GetProperty("auditkit-delivery");
        delivery.GetProperty("status").GetString().ShouldBe("Healthy");
        delivery.GetProperty("data").GetProperty("lost_events").GetInt64().ShouldBe(0);

        var metrics = await client.GetStringAsync("/metrics");
        metrics.ShouldContain("auditkit_delivery_enqueued");
    }

    [Fact]
    public async Task Events_lost_because_they_could_neither_be_sent_nor_spooled_turn_health_Unhealthy()
    {
        // No server at this address, and a spool directory that cannot be created (a file is in the way).
        using var directory = new TempDirectory("auditkit-e2e-blocked");
        await File.WriteAllTextAsync(directory.File("not-a-directory"), "x");
        var settings = new Dictionary<string, string>
        {
            ["AuditKit:SpoolDirectory"] = Path.Combine(directory.File("not-a-directory"), "spool"),
            ["AuditKit:Delivery:RetryBaseDelay"] = "00:00:00.010",
            ["AuditKit:Delivery:RetryMaxDelay"] = "00:00:00.050",
        };
        await using var sample = new SampleAppHost(new Uri($"http://127.0.0.1:{UnusedPort()}"), _ingestKey, settings);
        using var client = sample.CreateClient();
        (await client.GetAsync("/api/ping")).EnsureSuccessStatusCode();

        HttpResponseMessage health;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(200);
            health = await client.GetAsync("/health");
        }
        while (health.StatusCode == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        report.RootElement.GetProperty("status").GetString().ShouldBe("Unhealthy");
        var delivery = report.RootElement.GetProperty("checks").GetProperty("auditkit-delivery");
        delivery.GetProperty("status").GetString().ShouldBe("Unhealthy");
        delivery.GetProperty("data").GetProperty("lost_events").GetInt64().ShouldBeGreaterThan(0);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
