using static AuditKit.Server.Tests.Detection.OutboxStorage;
using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// Passes over large batches start at most every <c>PassInterval</c> (here 200 ms of the fake clock, which only the
/// test moves): large batches arriving in between wait for the interval's end and are evaluated together, while small
/// batches and full passes are never held.
/// </summary>
public sealed class DetectionPacingTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);

    // How long a batch that should be held is watched for (real time; the fake clock stands still meanwhile).
    private static readonly TimeSpan s_watch = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Large_batches_arriving_within_the_interval_wait_for_its_end_and_are_evaluated_in_one_pass()
    {
        await using var paced = await PacedTenant.StartAsync("paced");
        var (host, tenant, ingest) = paced;
        await host.WaitForDetectionAsync();
        using var passes = Passes(host);

        // The first large batch finds no pass before it: evaluated at once.
        await PostAsync(ingest, Reads(150, Start));
        await host.WaitForDetectionAsync();
        passes.GetMeasurementSnapshot().Select(static m => m.Value).ShouldBe(new long[] { 150 });

        await PostAsync(ingest, Reads(150, Start.AddMinutes(1)));
        await PostAsync(ingest, Reads(150, Start.AddMinutes(2)));
        await Should.ThrowAsync<TimeoutException>(host.WaitForDetectionAsync().WaitAsync(s_watch));
        (await OutboxAsync(host, tenant.Id)).Count.ShouldBe(2);

        host.Time.Advance(s_interval);
        await host.WaitForDetectionAsync();
        (await OutboxAsync(host, tenant.Id)).ShouldBeEmpty();
        passes.GetMeasurementSnapshot().Select(static m => m.Value).ShouldBe(new long[] { 150, 300 });
    }

    [Fact]
    public async Task A_small_batch_is_evaluated_at_once_while_large_ones_wait()
    {
        await using var paced = await PacedTenant.StartAsync("small");
        var (host, tenant, ingest) = paced;
        await PostAsync(ingest, Reads(150, Start));
        await host.WaitForDetectionAsync();
        await PostAsync(ingest, Reads(150, Start.AddMinutes(1)));

        const string ip = "203.0.113.77";
        await PostAsync(ingest, Series(5, Start.AddMinutes(2), TimeSpan.FromSeconds(1), (at, _) => FailedLogin(at, "mallory", ip)));

        var alert = await WaitForAlertAsync(host, tenant, AlertRules.BruteForce);
        alert.Key.ShouldBe(ip);
        (await OutboxAsync(host, tenant.Id)).Select(static r => r.Count).ShouldBe(new[] { 150 });

        host.Time.Advance(s_interval);
        await host.WaitForDetectionAsync();
        (await OutboxAsync(host, tenant.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_full_pass_is_not_held()
    {
        await using var paced = await PacedTenant.StartAsync("full", ("AuditKit:Detection:MaxEventsPerPass", "300"));
        var (host, tenant, ingest) = paced;
        await PostAsync(ingest, Reads(150, Start));
        await host.WaitForDetectionAsync();

        // One large batch waiting is not yet a full pass; a second one makes it one, and nothing more can gather.
        await PostAsync(ingest, Reads(150, Start.AddMinutes(1)));
        await Should.ThrowAsync<TimeoutException>(host.WaitForDetectionAsync().WaitAsync(s_watch));
        await PostAsync(ingest, Reads(150, Start.AddMinutes(2)));
        await host.WaitForDetectionAsync();
        (await OutboxAsync(host, tenant.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_large_batch_after_a_quiet_interval_is_evaluated_at_once()
    {
        await using var paced = await PacedTenant.StartAsync("quiet");
        var (host, tenant, ingest) = paced;
        await PostAsync(ingest, Reads(150, Start));
        await host.WaitForDetectionAsync();

        host.Time.Advance(s_interval);
        await PostAsync(ingest, Reads(150, Start.AddMinutes(1)));
        await host.WaitForDetectionAsync();
        (await OutboxAsync(host, tenant.Id)).ShouldBeEmpty();
    }

    /// <summary>A new tenant, with its ingest client, of a paced server on a new embedded database.</summary>
    private sealed class PacedTenant(OutboxStorage storage, DetectionHost host, TestTenant tenant, HttpClient ingest) : IAsyncDisposable
    {
        public static async Task<PacedTenant> StartAsync(string prefix, params (string Key, string Value)[] settings)
        {
            var newStorage = await CreateAsync("SQLite");
            var pacedHost = Paced(newStorage, settings);
            var newTenant = await CreateTenantAsync(pacedHost, prefix);
            return new PacedTenant(newStorage, pacedHost, newTenant, pacedHost.CreateClient(newTenant.IngestKey));
        }

        public void Deconstruct(out DetectionHost pacedHost, out TestTenant pacedTenant, out HttpClient ingestClient) =>
            (pacedHost, pacedTenant, ingestClient) = (host, tenant, ingest);

        public async ValueTask DisposeAsync()
        {
            ingest.Dispose();
            await host.DisposeAsync();
            await storage.DisposeAsync();
        }
    }

    private static DetectionHost Paced(OutboxStorage storage, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>(storage.Settings) { ["AuditKit:Detection:PassInterval"] = s_interval.ToString() };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new DetectionHost(all);
    }

    /// <summary>Records every evaluation pass of <paramref name="host"/>: one measurement, its number of events, each.</summary>
    private static MetricCollector<long> Passes(DetectionHost host) =>
        new(host.Services.GetRequiredService<IMeterFactory>(), AuditIngestMetrics.MeterName, "auditkit.server.detection.events");

    /// <summary>A large batch: <paramref name="count"/> reads by ten users, 300 ms apart.</summary>
    private static object[] Reads(int count, DateTimeOffset from) =>
        Series(count, from, TimeSpan.FromMilliseconds(300), static (at, i) => Action(at, "READ", $"user-{i % 10}", "LOW"));

    private static async Task<AlertResponse> WaitForAlertAsync(DetectionHost host, TestTenant tenant, string rule)
    {
        for (var tries = 0; tries < 200; tries++)
        {
            if ((await AlertsAsync(host, tenant, rule)).FirstOrDefault() is { } alert)
            {
                return alert;
            }

            await Task.Delay(50);
        }

        throw new ShouldAssertException($"No {rule} alert within 10 s.");
    }
}
