namespace AuditKit.Server.Tests.Hosting;

/// <summary>
/// PostgreSQL stopped under a running server: ingest and reads answer 503 with Retry-After and a problem body (no
/// stack trace), the outage is logged as one warning, readiness is unhealthy; once PostgreSQL is back, 2xx again.
/// </summary>
public sealed class DatabaseUnavailableTests : IAsyncLifetime
{
    private PrivatePostgresCluster? _cluster;
    private WebApplicationFactory<Program>? _factory;

    // Never advances: the whole outage falls within one warning interval.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        _cluster = await PrivatePostgresCluster.CreateAsync()
            ?? throw new InvalidOperationException("PostgreSQL's server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql");
        _factory = TestServerHost.Create(
            [TestServerHost.UnpacedDetection, KeyValuePair.Create("ConnectionStrings:AuditKit", (string?)_cluster.ConnectionString)],
            _time,
            "Development",
            fakeLogging: true);
        using var client = _factory.CreateClient();
        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stopped_database_is_answered_503_with_Retry_After_and_one_warning_then_2xx_when_it_is_back()
    {
        var (ingestKey, readKey) = await CreateTenantAsync();
        using var ingest = Client(ingestKey);
        using var read = Client(readKey);
        using var anonymous = _factory!.CreateClient();
        (await ingest.PostAsJsonAsync("/api/v1/audit-logs", NewEvent())).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await read.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var collector = _factory.Services.GetFakeLogCollector();
        collector.Clear();

        await _cluster!.StopAsync();

        for (var i = 0; i < 5; i++)
        {
            await ShouldBeUnavailableAsync(await ingest.PostAsJsonAsync("/api/v1/audit-logs", NewEvent()));
            await ShouldBeUnavailableAsync(await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", new[] { NewEvent(), NewEvent() }));
            await ShouldBeUnavailableAsync(await read.GetAsync("/api/v1/audit-logs"));
            await ShouldBeUnavailableAsync(await read.GetAsync($"/api/v1/audit-logs/{Guid.CreateVersion7()}"));
        }

        // An export reads its first page before it answers, so it gets a status too (not a 200 cut short).
        await ShouldBeUnavailableAsync(await read.GetAsync("/api/v1/audit-logs/export?format=ndjson"));

        (await anonymous.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var logged = collector.GetSnapshot();
        // No stack trace per request. (The health check service reports each unhealthy probe itself, once per probe.)
        logged.Where(static r => r.Level >= LogLevel.Error && r.Category != "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService")
            .Select(static r => $"{r.Category}: {r.Message}").ShouldBeEmpty();
        var warnings = logged.Where(static r => r.Category == typeof(AuditStoreUnavailableLog).FullName).ToList();
        warnings.Count.ShouldBe(1);
        warnings[0].Level.ShouldBe(LogLevel.Warning);
        warnings[0].Message.ShouldContain("unavailable");

        await _cluster.StartAsync();

        // The pool may still hold connections of the stopped server: the first requests after the restart may fail.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode status;
        do
        {
            status = (await ingest.PostAsJsonAsync("/api/v1/audit-logs", NewEvent())).StatusCode;
        }
        while (status != HttpStatusCode.Created && DateTime.UtcNow < deadline && await Delay());

        status.ShouldBe(HttpStatusCode.Created);
        (await read.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task ShouldBeUnavailableAsync(HttpResponseMessage response)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(AuditStoreUnavailableHandler.RetryAfterSeconds));
        var body = problem.ToString();
        body.ShouldNotContain("Npgsql", Case.Insensitive);
        body.ShouldNotContain(" at ", Case.Sensitive);
        body.ShouldNotContain("exception", Case.Insensitive);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(250);
        return true;
    }

    private HttpClient Client(string key) => _factory!.CreateBearerClient(key);

    private async Task<(string Ingest, string Read)> CreateTenantAsync()
    {
        using var admin = Client(AuditKitServerFixture.BootstrapKey);
        return await AuditKitServerFixture.CreateTenantWithIngestAndReadKeysAsync(admin, $"db-{Guid.NewGuid():N}");
    }

    private object NewEvent()
    {
        var now = _time.GetUtcNow();
        return new { id = AuditEventIds.New(now), action = "LOGIN", timestamp = now };
    }
}
