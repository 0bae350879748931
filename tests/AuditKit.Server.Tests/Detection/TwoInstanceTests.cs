using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// Two server processes sharing one PostgreSQL database raise exactly the alerts one process would: the window state
/// is the database, and passes of one tenant are serialized across processes by an advisory lock.
/// </summary>
public sealed class TwoInstanceTests
{
    private const string TenantId = "two-hosts";

    [Fact]
    public async Task Two_servers_fed_alternately_raise_exactly_the_alerts_one_server_raises()
    {
        var batches = AttackScenario.Batches();

        var single = await TestPostgres.CreateDatabaseAsync("one");
        var shared = await TestPostgres.CreateDatabaseAsync("two");
        try
        {
            IReadOnlyList<string> expected;
            await using (var host = new DetectionHost(single))
            {
                var keys = await CreateTenantAsync(host);
                using var ingest = host.CreateClient(keys.Ingest);
                foreach (var batch in batches)
                {
                    await PostAsync(ingest, batch);
                    await host.WaitForDetectionAsync();
                }

                expected = await AlertsAsync(host.CreateClient(keys.Read));
            }

            await using var first = new DetectionHost(shared);
            await using var second = new DetectionHost(shared);
            var sharedKeys = await CreateTenantAsync(first);
            using var ingestFirst = first.CreateClient(sharedKeys.Ingest);
            using var ingestSecond = second.CreateClient(sharedKeys.Ingest);
            for (var i = 0; i < batches.Count; i++)
            {
                await PostAsync(i % 2 == 0 ? ingestFirst : ingestSecond, batches[i]);
                await Task.WhenAll(first.WaitForDetectionAsync(), second.WaitForDetectionAsync());
            }

            var fromFirst = await AlertsAsync(first.CreateClient(sharedKeys.Read));
            var fromSecond = await AlertsAsync(second.CreateClient(sharedKeys.Read));

            // Every rule fired in the scenario, and both processes together raised the same alerts as one.
            expected.Select(static a => a.Split('|')[0]).Distinct().Order().ShouldBe(AlertRules.All.Order());
            fromFirst.ShouldBe(expected);
            fromSecond.ShouldBe(expected);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(single);
            await TestPostgres.DropDatabaseAsync(shared);
        }
    }

    [Fact]
    public async Task Two_servers_fed_concurrently_raise_each_alert_once_with_every_event_counted()
    {
        var shared = await TestPostgres.CreateDatabaseAsync("two");
        try
        {
            await using var first = new DetectionHost(shared);
            await using var second = new DetectionHost(shared);
            var keys = await CreateTenantAsync(first);
            using var ingestFirst = first.CreateClient(keys.Ingest);
            using var ingestSecond = second.CreateClient(keys.Ingest);

            // Forty failures from each of five IPs, one per request, sent to both processes at once.
            var events = Enumerable.Range(0, 5)
                .SelectMany(ip => Series(40, Start.AddSeconds(ip), TimeSpan.FromSeconds(3), (at, _) => FailedLogin(at, $"user-{ip}", $"203.0.113.{ip + 100}")))
                .ToArray();
            await Parallel.ForEachAsync(
                events.Select((e, i) => (Event: e, Index: i)),
                new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (item, ct) => await PostAsync(item.Index % 2 == 0 ? ingestFirst : ingestSecond, [item.Event]));
            await Task.WhenAll(first.WaitForDetectionAsync(), second.WaitForDetectionAsync());

            using var read = first.CreateClient(keys.Read);
            var alerts = (await read.GetFromJsonAsync<AlertListResponse>("/api/v1/alerts?rule=brute_force&limit=100", DetectionServerFixture.AlertJson))!.Items;
            alerts.Count.ShouldBe(5);
            alerts.ShouldAllBe(static a => a.Count == 40 && a.FirstSeen < a.LastSeen);
            alerts.Select(static a => a.Key).Distinct().Count().ShouldBe(5);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(shared);
        }
    }

    private static async Task<(string Ingest, string Read)> CreateTenantAsync(DetectionHost host)
    {
        using var admin = host.CreateClient(AuditKitServerFixture.BootstrapKey);
        return await AuditKitServerFixture.CreateTenantWithIngestAndReadKeysAsync(admin, TenantId, "Two hosts");
    }

    private static async Task PostAsync(HttpClient ingest, object[] batch)
    {
        var result = await (await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", batch)).ReadBatchResultAsync();
        result.Accepted.ShouldBe(batch.Length);
    }

    /// <summary>Every alert as one comparable line, in a stable order; ids and bookkeeping times left out.</summary>
    private static async Task<IReadOnlyList<string>> AlertsAsync(HttpClient read)
    {
        using (read)
        {
            var page = (await read.GetFromJsonAsync<AlertListResponse>("/api/v1/alerts?limit=1000", DetectionServerFixture.AlertJson))!;
            return [.. page.Items
                .Select(static a => string.Join('|',
                    a.Rule, a.KeyType, a.Key, a.Severity, a.Status, a.FirstSeen.ToString("O"), a.LastSeen.ToString("O"), a.Count,
                    string.Join(',', a.Evidence), a.Details?.ToJsonString() ?? "-"))
                .Order(StringComparer.Ordinal)];
        }
    }
}
