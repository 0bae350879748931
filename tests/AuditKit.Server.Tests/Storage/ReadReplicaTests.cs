namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// <c>ConnectionStrings:AuditKitRead</c> against a real primary and hot standby pair (each test its own, started with
/// initdb and pg_basebackup on 127.0.0.1): list, summary and export reads go to the standby (seen by pausing its
/// replay: they miss an event the ingest answer, a read by id and alert triage see); a standby further behind than
/// <c>ReadReplicaMaxLag</c>, stopped, or not a standby at all sends reads to the primary, counted and logged once.
/// The time that paces the replica checks is a <see cref="FakeTimeProvider"/>; the lag is the databases' own clock.
/// </summary>
public sealed class ReadReplicaTests : IAsyncLifetime
{
    private const string Logs = "/api/v1/audit-logs";

    // Bounds every wait for the standby, so a broken replication fails the test instead of hanging it.
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private PrivatePostgresCluster? _primary;
    private PrivatePostgresCluster? _standby;
    private WebApplicationFactory<Program>? _factory;

    public async Task InitializeAsync()
    {
        _primary = await PrivatePostgresCluster.CreateAsync()
            ?? throw new InvalidOperationException("PostgreSQL's server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql");
        _standby = await _primary.CreateStandbyAsync();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_standby is not null)
        {
            await _standby.DisposeAsync();
        }

        if (_primary is not null)
        {
            await _primary.DisposeAsync();
        }
    }

    [Fact]
    public async Task Reads_go_to_the_standby_and_miss_what_it_has_not_replayed_while_the_ingest_answer_and_a_read_by_id_see_it()
    {
        // A bound far above anything this test waits: the paused standby stays fresh enough to answer.
        using var fallbacks = StartServer(_standby!.ConnectionString, TimeSpan.FromMinutes(5));
        var (ingest, read) = await CreateTenantAsync();
        var first = await IngestAsync(ingest);
        await WaitOnStandbyAsync(first);
        _time.Advance(TimeSpan.FromSeconds(2));
        (await ListAsync(read)).ShouldBe([first]);

        await PauseReplayAsync();
        var second = await IngestAsync(ingest);
        _time.Advance(TimeSpan.FromSeconds(2));

        // The standby has not replayed the second event: every read it answers lacks it...
        (await ListAsync(read)).ShouldBe([first]);
        (await SummaryTotalAsync(read)).ShouldBe(1);
        var export = await read.GetStringAsync($"{Logs}/export?format=ndjson");
        export.ShouldContain(first.ToString());
        export.ShouldNotContain(second.ToString());

        // ...while the primary, which reads by id go to, has it.
        (await (await read.GetAsync($"{Logs}/{second}")).ReadEventAsync()).Id.ShouldBe(second);
        _factory!.Services.GetRequiredService<PostgresConnections>().LastState.ShouldBe(ReadReplicaState.Fresh);

        await ResumeReplayAsync();
        await WaitOnStandbyAsync(second);
        _time.Advance(TimeSpan.FromSeconds(2));
        (await ListAsync(read)).ShouldBe([first, second], ignoreOrder: true);
        fallbacks.GetMeasurementSnapshot().ShouldBeEmpty();
        ReplicaLog(LogLevel.Warning).ShouldBeEmpty();
    }

    [Fact]
    public async Task Alerts_and_their_triage_stay_on_the_primary_while_the_standby_has_not_replayed_the_events()
    {
        using var fallbacks = StartServer(_standby!.ConnectionString, TimeSpan.FromMinutes(5));
        var (ingest, read) = await CreateTenantAsync();
        await WaitOnStandbyAsync(await IngestAsync(ingest));
        await PauseReplayAsync();

        // Five failed logins from one address: a brute-force alert, raised from what the primary stored.
        var at = _time.GetUtcNow();
        var failed = Enumerable.Range(0, 5).Select(i => new
        {
            id = AuditEventIds.New(at.AddSeconds(i)), timestamp = at.AddSeconds(i), action = "LOGIN_FAILED", user_id = "rita",
            ip_address = "203.0.113.80", status = "FAILURE", severity = "CRITICAL",
        }).ToArray();
        await (await ingest.PostAsJsonAsync($"{Logs}/batch", failed)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        await _factory!.Services.GetRequiredService<DetectionQueue>().WaitForIdleAsync(CancellationToken.None).WaitAsync(s_wait);
        _time.Advance(TimeSpan.FromSeconds(2));

        var alerts = await read.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?rule={AlertRules.BruteForce}");
        var alert = alerts.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        var id = alert.GetProperty("id").GetGuid();
        var acknowledged = await read.PatchAsJsonAsync($"/api/v1/alerts/{id}", new { status = "acknowledged", note = "On it" });
        await acknowledged.ShouldHaveStatusAsync(HttpStatusCode.OK);
        (await read.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{id}")).GetProperty("status").GetString().ShouldBe("acknowledged", StringCompareShould.IgnoreCase);

        // The events behind it are not on the standby yet, which answers the list.
        (await (await read.GetAsync($"{Logs}?action=LOGIN_FAILED")).ReadPageAsync()).Items.ShouldBeEmpty();
        _factory.Services.GetRequiredService<PostgresConnections>().LastState.ShouldBe(ReadReplicaState.Fresh);
        fallbacks.GetMeasurementSnapshot().ShouldBeEmpty();

        await ResumeReplayAsync();
    }

    [Fact]
    public async Task A_standby_further_behind_than_the_bound_sends_reads_to_the_primary_until_it_catches_up()
    {
        using var fallbacks = StartServer(_standby!.ConnectionString, TimeSpan.FromSeconds(1));
        var (ingest, read) = await CreateTenantAsync();
        var first = await IngestAsync(ingest);
        await WaitOnStandbyAsync(first);

        await PauseReplayAsync();
        var second = await IngestAsync(ingest);
        await WaitForStandbyLagAsync(TimeSpan.FromSeconds(1.5));
        _time.Advance(TimeSpan.FromSeconds(2));

        // Checked once (too far behind), then the answer is reused for a second: both reads go to the primary.
        (await ListAsync(read)).ShouldBe([first, second], ignoreOrder: true);
        (await SummaryTotalAsync(read)).ShouldBe(2);
        _factory!.Services.GetRequiredService<PostgresConnections>().LastState.ShouldBe(ReadReplicaState.Lagging);
        var measurements = fallbacks.GetMeasurementSnapshot();
        measurements.Count.ShouldBe(2);
        measurements.ShouldAllBe(static m => (string?)m.Tags["auditkit.storage.reason"] == "lagging");
        var warnings = ReplicaLog(LogLevel.Warning);
        warnings.Count.ShouldBe(1);
        warnings[0].ShouldContain("over the bound of 1 s");

        await ResumeReplayAsync();
        await WaitOnStandbyAsync(second);

        // Caught up, the next check (once the cached answer expires) finds the standby within the bound. WAL the primary
        // writes meanwhile (the server's own background work) can make one check see it behind again, so the check is
        // repeated, a bounded number of times, until one finds it fresh.
        var connections = _factory.Services.GetRequiredService<PostgresConnections>();
        for (var attempt = 0; attempt < 40 && connections.LastState != ReadReplicaState.Fresh; attempt++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            (await ListAsync(read)).ShouldBe([first, second], ignoreOrder: true);
            if (connections.LastState != ReadReplicaState.Fresh)
            {
                await Task.Delay(250);
            }
        }

        connections.LastState.ShouldBe(ReadReplicaState.Fresh);
        ReplicaLog(LogLevel.Information).ShouldNotBeEmpty();
        ReplicaLog(LogLevel.Information)[^1].ShouldContain("read replica again");

        // Fresh: the next read is the standby's, not one more fallback.
        var fellBack = fallbacks.GetMeasurementSnapshot().Count;
        (await ListAsync(read)).ShouldBe([first, second], ignoreOrder: true);
        fallbacks.GetMeasurementSnapshot().Count.ShouldBe(fellBack);
    }

    [Fact]
    public async Task A_stopped_standby_sends_reads_to_the_primary_and_they_still_answer()
    {
        using var fallbacks = StartServer(_standby!.ConnectionString, AuditStorageOptions.DefaultReadReplicaMaxLag);
        var (ingest, read) = await CreateTenantAsync();
        var first = await IngestAsync(ingest);
        await WaitOnStandbyAsync(first);
        _time.Advance(TimeSpan.FromSeconds(2));
        (await ListAsync(read)).ShouldBe([first]);

        await _standby.StopAsync();
        _time.Advance(TimeSpan.FromSeconds(2));
        var second = await IngestAsync(ingest);

        for (var i = 0; i < 3; i++)
        {
            (await ListAsync(read)).ShouldBe([first, second], ignoreOrder: true);
            (await SummaryTotalAsync(read)).ShouldBe(2);
            (await read.GetStringAsync($"{Logs}/export?format=ndjson")).ShouldContain(second.ToString());
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        _factory!.Services.GetRequiredService<PostgresConnections>().LastState.ShouldBe(ReadReplicaState.Unreachable);
        var measurements = fallbacks.GetMeasurementSnapshot();
        measurements.Count.ShouldBe(9);
        measurements.ShouldAllBe(static m => (string?)m.Tags["auditkit.storage.reason"] == "unreachable");
        ReplicaLog(LogLevel.Warning).ShouldHaveSingleItem().ShouldContain("(Unreachable)");
    }

    [Fact]
    public async Task A_read_connection_to_a_server_that_is_not_a_standby_sends_reads_to_the_primary()
    {
        // The primary itself as the "replica": it answers, but is not in recovery, so it is not trusted to follow.
        using var fallbacks = StartServer(_primary!.ConnectionString, AuditStorageOptions.DefaultReadReplicaMaxLag);
        var (ingest, read) = await CreateTenantAsync();
        var first = await IngestAsync(ingest);

        (await ListAsync(read)).ShouldBe([first]);

        _factory!.Services.GetRequiredService<PostgresConnections>().LastState.ShouldBe(ReadReplicaState.NotStandby);
        fallbacks.GetMeasurementSnapshot().ShouldHaveSingleItem().Tags["auditkit.storage.reason"].ShouldBe("not_standby");
        ReplicaLog(LogLevel.Warning).ShouldHaveSingleItem().ShouldContain("not in recovery");
    }

    // Starts the server on the primary with `read` as ConnectionStrings:AuditKitRead; records the read fallbacks.
    private MetricCollector<long> StartServer(string read, TimeSpan maxLag)
    {
        _factory = TestServerHost.Create(
            [
                TestServerHost.UnpacedDetection,
                KeyValuePair.Create("ConnectionStrings:AuditKit", (string?)_primary!.ConnectionString),
                KeyValuePair.Create("ConnectionStrings:AuditKitRead", (string?)read),
                KeyValuePair.Create("AuditKit:Storage:ReadReplicaMaxLag", (string?)maxLag.ToString("c", CultureInfo.InvariantCulture)),
            ],
            _time,
            "Development",
            fakeLogging: true);
        _ = _factory.Server;
        return new MetricCollector<long>(
            _factory.Services.GetRequiredService<IMeterFactory>(), AuditStorageMetrics.MeterName, "auditkit.storage.read_fallbacks");
    }

    private List<string> ReplicaLog(LogLevel level) =>
        [.. _factory!.Services.GetFakeLogCollector().GetSnapshot()
            .Where(r => r.Category == typeof(PostgresConnections).FullName && r.Level == level)
            .Select(static r => r.Message)];

    private async Task<Guid> IngestAsync(HttpClient ingest)
    {
        var now = _time.GetUtcNow();
        var id = AuditEventIds.New(now);
        var response = await ingest.PostAsJsonAsync(Logs, new { id, action = "LOGIN", timestamp = now });
        await response.ShouldHaveStatusAsync(HttpStatusCode.Created);
        (await response.ReadEventAsync()).Id.ShouldBe(id);
        return id;
    }

    private static async Task<List<Guid>> ListAsync(HttpClient read) =>
        [.. (await (await read.GetAsync($"{Logs}?action=LOGIN")).ReadPageAsync()).Items.Select(static e => e.Id)];

    private async Task<long> SummaryTotalAsync(HttpClient read)
    {
        var now = _time.GetUtcNow();
        var response = await read.GetAsync($"{Logs}/summary?action=LOGIN&from_date={Q(now.AddHours(-1))}&to_date={Q(now.AddHours(1))}");
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AuditSummaryResponse>(AuditKitServerFixture.Json))!.Total;
    }

    private async Task WaitOnStandbyAsync(Guid id) =>
        await WaitForAsync("SELECT count(*) > 0 FROM audit_events WHERE id = @id", id, $"event {id} to be replayed on the standby");

    private async Task WaitForStandbyLagAsync(TimeSpan lag) =>
        await WaitForAsync(
            "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn() AND now() - pg_last_xact_replay_timestamp() > make_interval(secs => @id)",
            lag.TotalSeconds, $"the standby to be more than {lag} behind");

    private async Task WaitForAsync(string sql, object parameter, string what)
    {
        var deadline = DateTime.UtcNow + s_wait;
        await using var connection = new NpgsqlConnection(_standby!.ConnectionString);
        await connection.OpenAsync();
        while (true)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("id", parameter);
            if ((bool)(await command.ExecuteScalarAsync())!)
            {
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"waited {s_wait} for {what}");
            await Task.Delay(100);
        }
    }

    private async Task PauseReplayAsync()
    {
        await using var connection = new NpgsqlConnection(_standby!.ConnectionString);
        await connection.OpenAsync();
        await using var pause = new NpgsqlCommand("SELECT pg_wal_replay_pause()", connection);
        await pause.ExecuteNonQueryAsync();
        var deadline = DateTime.UtcNow + s_wait;
        await using var state = new NpgsqlCommand("SELECT pg_get_wal_replay_pause_state()", connection);
        while ((string)(await state.ExecuteScalarAsync())! != "paused")
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "waited for the standby's replay to pause");
            await Task.Delay(50);
        }
    }

    private async Task ResumeReplayAsync()
    {
        await using var connection = new NpgsqlConnection(_standby!.ConnectionString);
        await connection.OpenAsync();
        await using var resume = new NpgsqlCommand("SELECT pg_wal_replay_resume()", connection);
        await resume.ExecuteNonQueryAsync();
    }

    private HttpClient Client(string key) => _factory!.CreateBearerClient(key);

    private async Task<(HttpClient Ingest, HttpClient Read)> CreateTenantAsync()
    {
        using var admin = Client(AuditKitServerFixture.BootstrapKey);
        var (ingest, read) = await AuditKitServerFixture.CreateTenantWithIngestAndReadKeysAsync(admin, $"rr-{Guid.NewGuid():N}");
        return (Client(ingest), Client(read));
    }
}
