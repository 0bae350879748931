using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>Each rule fires at its threshold and not one below, through ingest and the alert API, on both providers.</summary>
public abstract class DetectionRuleTests(DetectionServerFixture server)
{
    private static readonly TimeSpan s_second = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(5, true)]
    [InlineData(4, false)]
    public async Task Brute_force_fires_at_five_failed_logins_from_one_ip(int failures, bool fires)
    {
        using var client = await ClientAsync();
        const string ip = "203.0.113.10";
        await client.PostAsync(Series(failures, Start, 30 * s_second, (at, _) => FailedLogin(at, "alice", ip)));

        var alerts = await client.AlertsAsync(AlertRules.BruteForce, ip);

        if (!fires)
        {
            alerts.ShouldBeEmpty();
            return;
        }

        var alert = alerts.ShouldHaveSingleItem();
        alert.KeyType.ShouldBe("ip");
        alert.Severity.ShouldBe(AuditSeverity.High);
        alert.Status.ShouldBe(Server.Storage.AlertStatus.Open);
        alert.Count.ShouldBe(failures);
        alert.FirstSeen.ShouldBe(Start);
        alert.LastSeen.ShouldBe(Start + ((failures - 1) * 30 * s_second));
        alert.Evidence.Count.ShouldBe(failures);
        alert.TenantId.ShouldBe(client.Tenant.Id);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public async Task Window_edges_follow_the_server_clock_inclusive_at_exactly_the_window(int extraMicroseconds, bool fires)
    {
        using var client = await ClientAsync();
        const string ip = "203.0.113.11";
        server.Time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 5; i++)
        {
            if (i > 0)
            {
                // Four steps spanning exactly the five-minute window, or one microsecond more.
                server.Time.Advance(TimeSpan.FromSeconds(75) + (i == 4 ? TimeSpan.FromTicks(10 * extraMicroseconds) : TimeSpan.Zero));
            }

            await client.PostAsync(new { action = "LOGIN_FAILED", user_id = "alice", ip_address = ip, status = "FAILURE", severity = "CRITICAL" });
        }

        (await client.AlertsAsync(AlertRules.BruteForce, ip)).Count.ShouldBe(fires ? 1 : 0);
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(9, false)]
    public async Task Password_spraying_fires_at_ten_distinct_users_from_one_ip(int users, bool fires)
    {
        using var client = await ClientAsync();
        const string ip = "198.51.100.20";
        await client.PostAsync(Series(users, Start, 50 * s_second, (at, i) => FailedLogin(at, $"user-{i}", ip)));

        var alerts = await client.AlertsAsync(AlertRules.PasswordSpraying, ip);

        alerts.Count.ShouldBe(fires ? 1 : 0);
        if (fires)
        {
            alerts[0].Count.ShouldBe(users);
            alerts[0].Severity.ShouldBe(AuditSeverity.High);
        }
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(4, false)]
    public async Task Distributed_attack_fires_at_five_distinct_ips_for_one_user(int ips, bool fires)
    {
        using var client = await ClientAsync();
        await client.PostAsync(Series(ips, Start, 2 * TimeSpan.FromMinutes(1), (at, i) => FailedLogin(at, "bob", $"192.0.2.{i + 1}")));

        (await client.AlertsAsync(AlertRules.DistributedAttack, "bob")).Count.ShouldBe(fires ? 1 : 0);
        (await client.AlertsAsync(AlertRules.BruteForce, null)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(4, false)]
    public async Task Compromise_suspect_fires_on_a_login_after_five_failures(int failures, bool fires)
    {
        using var client = await ClientAsync();
        var events = Series(failures, Start, TimeSpan.FromMinutes(2), (at, _) => FailedLogin(at, "carol", "192.0.2.50")).ToList();
        var success = Start + TimeSpan.FromMinutes(9);
        events.Add(Login(success, "carol", "192.0.2.50"));
        await client.PostAsync([.. events]);

        var alerts = await client.AlertsAsync(AlertRules.CompromiseSuspect, "carol");

        alerts.Count.ShouldBe(fires ? 1 : 0);
        if (fires)
        {
            alerts[0].Severity.ShouldBe(AuditSeverity.Critical);
            alerts[0].FirstSeen.ShouldBe(Start);
            alerts[0].LastSeen.ShouldBe(success);
            alerts[0].Count.ShouldBe(failures + 1);
        }
    }

    [Fact]
    public async Task A_login_after_failures_older_than_the_window_is_no_compromise()
    {
        using var client = await ClientAsync();
        var events = Series(5, Start, s_second, (at, _) => FailedLogin(at, "dave", "192.0.2.60")).ToList();
        events.Add(Login(Start + TimeSpan.FromMinutes(10) + (5 * s_second), "dave", "192.0.2.60"));
        await client.PostAsync([.. events]);

        (await client.AlertsAsync(AlertRules.CompromiseSuspect, "dave")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(9, false)]
    public async Task Critical_burst_fires_for_the_tenant_and_separately_for_one_user(int count, bool fires)
    {
        using var client = await ClientAsync();
        await client.PostAsync(Series(count, Start, 20 * s_second, (at, i) => Action(at, "CONFIG_UPDATE", $"admin-{i}", "CRITICAL")));

        (await client.AlertsAsync(AlertRules.CriticalBurst, null)).Count.ShouldBe(fires ? 1 : 0);
        if (fires)
        {
            (await client.AlertsAsync(AlertRules.CriticalBurst, null))[0].KeyType.ShouldBe("tenant");
        }

        // The same number by one user: a user alert too.
        using var other = await ClientAsync();
        await other.PostAsync(Series(count, Start, 20 * s_second, (at, _) => Action(at, "CONFIG_UPDATE", "eve", "CRITICAL")));
        (await other.AlertsAsync("rule=critical_burst&key_type=user")).Count.ShouldBe(fires ? 1 : 0);
        (await other.AlertsAsync("rule=critical_burst&key_type=tenant")).Count.ShouldBe(fires ? 1 : 0);
    }

    [Theory]
    [InlineData("DELETE", 50, true)]
    [InlineData("DELETE", 49, false)]
    [InlineData("EXPORT", 20, true)]
    [InlineData("EXPORT", 19, false)]
    public async Task Mass_delete_and_export_fire_at_their_thresholds(string action, int count, bool fires)
    {
        using var client = await ClientAsync();
        await client.PostAsync(Series(count, Start, 10 * s_second, (at, _) => Action(at, action, "frank")));

        var rule = action == "DELETE" ? AlertRules.MassDelete : AlertRules.MassExport;
        var alerts = await client.AlertsAsync(rule, "frank");
        alerts.Count.ShouldBe(fires ? 1 : 0);
        if (fires)
        {
            alerts[0].Count.ShouldBe(count);
            alerts[0].Evidence.Count.ShouldBe(20);
        }
    }

    [Fact]
    public async Task Granting_a_role_to_oneself_is_privilege_escalation()
    {
        using var client = await ClientAsync();
        await client.PostAsync(Grant(Start, "grace", "grace"));

        var alert = (await client.AlertsAsync(AlertRules.PrivilegeEscalation, "grace")).ShouldHaveSingleItem();
        alert.Severity.ShouldBe(AuditSeverity.Critical);
        alert.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(600, "HIGH", true)]
    [InlineData(601, "HIGH", false)]
    [InlineData(60, "MEDIUM", false)]
    [InlineData(60, "CRITICAL", true)]
    public async Task A_grantee_acting_with_high_severity_soon_after_a_grant_is_privilege_escalation(int secondsLater, string severity, bool fires)
    {
        using var client = await ClientAsync();
        await client.PostAsync(Grant(Start, "admin", "heidi", "PERMISSION_GRANT"));
        await client.PostAsync(Action(Start + (secondsLater * s_second), "CONFIG_UPDATE", "heidi", severity));

        (await client.AlertsAsync(AlertRules.PrivilegeEscalation, "heidi")).Count.ShouldBe(fires ? 1 : 0);
        (await client.AlertsAsync(AlertRules.PrivilegeEscalation, "admin")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(2, false)]
    public async Task A_new_ip_for_a_user_with_an_established_history_is_reported_low(int historyDays, bool fires)
    {
        using var client = await ClientAsync();
        for (var day = historyDays; day >= 1; day--)
        {
            await client.PostAsync(Login(Start.AddDays(-day), "ivan", "10.20.0.1"));
        }

        var unusual = Login(Start, "ivan", "198.51.100.99");
        await client.PostAsync(unusual);

        var alerts = await client.AlertsAsync(AlertRules.NewIp, "ivan");
        alerts.Count.ShouldBe(fires ? 1 : 0);
        if (fires)
        {
            alerts[0].Severity.ShouldBe(AuditSeverity.Low);
            alerts[0].FirstSeen.ShouldBe(Start);
            alerts[0].Count.ShouldBe(1);
        }
    }

    [Fact]
    public async Task A_new_ip_is_reported_for_its_own_user_when_a_pass_counts_the_history_of_more_sightings_than_one_statement_holds()
    {
        using var client = await ClientAsync();
        for (var day = 3; day >= 1; day--)
        {
            await client.PostAsync(Login(Start.AddDays(-day), "ivan", "10.20.0.1"));
        }

        // One pass, 321 first sightings: the history of ivan's, the last, is counted by a second statement (300 a statement).
        var newcomers = Enumerable.Range(0, 320).Select(i => Login(Start, $"newcomer-{i}", "10.30.0.1"));
        await client.PostAsync([.. newcomers, Login(Start.AddSeconds(1), "ivan", "198.51.100.99")]);

        (await client.AlertsAsync(AlertRules.NewIp, "ivan")).Count.ShouldBe(1);
        (await client.AlertsAsync(AlertRules.NewIp, key: null)).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(99, false)]
    public async Task A_burst_without_baseline_is_a_rate_anomaly_from_the_minimum_volume(int events, bool fires)
    {
        using var client = await ClientAsync();
        await client.PostAsync(Series(events, Start, TimeSpan.FromMilliseconds(500), (at, _) => Action(at, "READ", "judy", "LOW")));

        var alerts = await client.AlertsAsync(AlertRules.RateAnomaly, "judy");
        alerts.Count.ShouldBe(fires ? 1 : 0);
        if (fires)
        {
            alerts[0].Severity.ShouldBe(AuditSeverity.Medium);
            alerts[0].Count.ShouldBe(events);
        }
    }

    [Fact]
    public async Task A_rate_anomaly_needs_more_than_the_factor_times_the_users_own_baseline()
    {
        // The rate tenant: 10-minute baseline, at least 10 events a minute, factor 2. Both users' baseline: 5 a minute.
        using var client = new DetectionClient(server, await server.CreateTenantWithIdAsync(server.RateTenant));
        foreach (var user in new[] { "kim", "lee" })
        {
            await client.PostAsync([.. Enumerable.Range(0, 10)
                .SelectMany(minute => Series(5, Start.AddMinutes(minute - 10), TimeSpan.FromSeconds(10), (at, _) => Action(at, "READ", user, "LOW")))]);
        }

        await client.PostAsync(Series(10, Start, TimeSpan.FromSeconds(5), (at, _) => Action(at, "READ", "kim", "LOW")));
        await client.PostAsync(Series(11, Start, TimeSpan.FromSeconds(5), (at, _) => Action(at, "READ", "lee", "LOW")));

        (await client.AlertsAsync(AlertRules.RateAnomaly, "kim")).ShouldBeEmpty();
        var alert = (await client.AlertsAsync(AlertRules.RateAnomaly, "lee")).ShouldHaveSingleItem();
        alert.FirstSeen.ShouldBe(Start);
        alert.Count.ShouldBe(11);
    }

    [Fact]
    public async Task Thresholds_are_overridden_per_tenant()
    {
        using var strict = new DetectionClient(server, await server.CreateTenantWithIdAsync(server.StrictTenant));
        using var normal = await ClientAsync();
        const string ip = "203.0.113.30";

        await strict.PostAsync(Series(3, Start, s_second, (at, _) => FailedLogin(at, "liam", ip)));
        await normal.PostAsync(Series(3, Start, s_second, (at, _) => FailedLogin(at, "liam", ip)));

        (await strict.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem().Count.ShouldBe(3);
        (await normal.AlertsAsync(AlertRules.BruteForce, ip)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_same_ip_and_user_in_two_tenants_never_add_up()
    {
        using var first = await ClientAsync();
        using var second = await ClientAsync();
        const string ip = "203.0.113.40";

        await first.PostAsync(Series(3, Start, s_second, (at, _) => FailedLogin(at, "mia", ip)));
        await second.PostAsync(Series(3, Start + (3 * s_second), s_second, (at, _) => FailedLogin(at, "mia", ip)));
        await first.PostAsync(Series(30, Start, s_second, (at, _) => Action(at, "EXPORT", "noah")));

        (await first.AlertsAsync(AlertRules.BruteForce, ip)).ShouldBeEmpty();
        (await second.AlertsAsync(AlertRules.BruteForce, ip)).ShouldBeEmpty();
        var export = (await first.AlertsAsync(AlertRules.MassExport, "noah")).ShouldHaveSingleItem();
        (await second.AlertsAsync()).ShouldBeEmpty();
        (await second.Read.GetAsync($"/api/v1/alerts/{export.Id}")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        (await first.Read.GetAsync($"/api/v1/alerts/{export.Id}")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }

    [Fact]
    public async Task Late_events_land_in_their_own_window()
    {
        using var client = await ClientAsync();
        const string ip = "203.0.113.50";
        var live = Start.AddHours(2);
        await client.PostAsync(Series(4, live, 10 * s_second, (at, _) => FailedLogin(at, "olivia", ip)));

        // A spooled failure from an hour earlier: far outside the window, nothing.
        await client.PostAsync(FailedLogin(live.AddHours(-1), "olivia", ip));
        (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldBeEmpty();

        // One that happened a minute before the four: the fifth in their window.
        await client.PostAsync(FailedLogin(live.AddMinutes(-1), "olivia", ip));
        var alert = (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem();
        alert.FirstSeen.ShouldBe(live.AddMinutes(-1));
        alert.LastSeen.ShouldBe(live + (30 * s_second));
        alert.Count.ShouldBe(5);

        // A replayed attack of yesterday raises nothing new for today, but lands in its own window: the open alert
        // for the key widens to it.
        var yesterday = live.AddDays(-1);
        await client.PostAsync(Series(5, yesterday, s_second, (at, _) => FailedLogin(at, "olivia", ip)));
        var widened = (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem();
        widened.Id.ShouldBe(alert.Id);
        widened.FirstSeen.ShouldBe(yesterday);
    }

    [Fact]
    public async Task Further_matches_update_the_open_alert_instead_of_raising_another()
    {
        using var client = await ClientAsync();
        const string ip = "203.0.113.60";
        var first = Series(5, Start, s_second, (at, _) => FailedLogin(at, "paul", ip));
        await client.PostAsync(first);
        var raised = (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem();
        raised.Count.ShouldBe(5);

        await client.PostAsync(Series(3, Start + (10 * s_second), s_second, (at, _) => FailedLogin(at, "paul", ip)));
        var updated = (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem();
        updated.Id.ShouldBe(raised.Id);
        updated.Count.ShouldBe(8);
        updated.FirstSeen.ShouldBe(Start);
        updated.LastSeen.ShouldBe(Start + (12 * s_second));
        updated.Evidence.Count.ShouldBe(8);
        updated.Evidence[0].ShouldBe(updated.Evidence.Max());

        // Retried batches are duplicates: stored once, evaluated once.
        using var ingest = server.CreateClient(client.Tenant.IngestKey);
        var retried = await (await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", first)).ReadBatchResultAsync();
        retried.Duplicates.ShouldBe(5);
        await server.WaitForDetectionAsync();
        (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem().Count.ShouldBe(8);
    }

    [Fact]
    public async Task A_long_attack_keeps_one_alert_that_counts_every_event()
    {
        using var client = await ClientAsync();
        const string ip = "203.0.113.65";

        // Twenty minutes of one failure every 30 s, in batches of four: the alert is extended batch after batch.
        var failures = Series(40, Start, 30 * s_second, (at, _) => FailedLogin(at, "pat", ip));
        foreach (var batch in failures.Chunk(4))
        {
            await client.PostAsync(batch);
        }

        var alert = (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem();
        alert.Count.ShouldBe(40);
        alert.FirstSeen.ShouldBe(Start);
        alert.LastSeen.ShouldBe(Start + (39 * 30 * s_second));
        alert.Evidence.Count.ShouldBe(20);

        // A late failure inside the span, within a matching window, is counted too.
        await client.PostAsync(FailedLogin(Start + (15 * s_second), "pat", ip));
        (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem().Count.ShouldBe(41);

        // Same for a mass export going on for half an hour.
        var exports = Series(90, Start, 20 * s_second, (at, _) => Action(at, "EXPORT", "pat"));
        foreach (var batch in exports.Chunk(10))
        {
            await client.PostAsync(batch);
        }

        var export = (await client.AlertsAsync(AlertRules.MassExport, "pat")).ShouldHaveSingleItem();
        export.Count.ShouldBe(90);
        export.LastSeen.ShouldBe(Start + (89 * 20 * s_second));
    }

    [Fact]
    public async Task Login_alerts_extended_pass_after_pass_count_every_event_and_recount_for_a_late_one()
    {
        using var client = await ClientAsync();
        const string ip = "203.0.113.80";
        const string user = "erin";

        // A compromise extended by a later pass: the appended logins are added to the count.
        await client.PostAsync([.. Series(5, Start, s_second, (at, _) => FailedLogin(at, user, ip)), Login(Start + (10 * s_second), user, ip)]);
        (await client.AlertsAsync(AlertRules.CompromiseSuspect, user)).ShouldHaveSingleItem().Count.ShouldBe(6);
        await client.PostAsync([.. Series(5, Start + (20 * s_second), s_second, (at, _) => FailedLogin(at, user, ip)), Login(Start + (30 * s_second), user, ip)]);
        var compromise = (await client.AlertsAsync(AlertRules.CompromiseSuspect, user)).ShouldHaveSingleItem();
        compromise.Count.ShouldBe(12);
        compromise.FirstSeen.ShouldBe(Start);
        compromise.LastSeen.ShouldBe(Start + (30 * s_second));

        // A late failure inside the span is counted too (the span is recounted), with the appended login.
        await client.PostAsync([FailedLogin(Start + (5 * s_second) + TimeSpan.FromMilliseconds(500), user, ip), Login(Start + (40 * s_second), user, ip)]);
        compromise = (await client.AlertsAsync(AlertRules.CompromiseSuspect, user)).ShouldHaveSingleItem();
        compromise.Count.ShouldBe(14);
        compromise.Evidence.Count.ShouldBe(14);

        // Password spraying from one IP and a distributed attack on one user, each extended and then hit by a late failure.
        const string sprayIp = "203.0.113.81";
        await client.PostAsync(Series(10, Start, s_second, (at, i) => FailedLogin(at, $"spray-{i}", sprayIp)));
        await client.PostAsync(Series(5, Start + (20 * s_second), s_second, (at, i) => FailedLogin(at, $"spray-{i + 10}", sprayIp)));
        (await client.AlertsAsync(AlertRules.PasswordSpraying, sprayIp)).ShouldHaveSingleItem().Count.ShouldBe(15);
        await client.PostAsync(FailedLogin(Start + (3 * s_second) + TimeSpan.FromMilliseconds(500), "spray-late", sprayIp));
        (await client.AlertsAsync(AlertRules.PasswordSpraying, sprayIp)).ShouldHaveSingleItem().Count.ShouldBe(16);

        const string target = "frank";
        await client.PostAsync(Series(5, Start, s_second, (at, i) => FailedLogin(at, target, $"198.51.100.{i + 1}")));
        await client.PostAsync(Series(3, Start + (20 * s_second), s_second, (at, i) => FailedLogin(at, target, $"198.51.100.{i + 10}")));
        (await client.AlertsAsync(AlertRules.DistributedAttack, target)).ShouldHaveSingleItem().Count.ShouldBe(8);
        await client.PostAsync(FailedLogin(Start + (2 * s_second) + TimeSpan.FromMilliseconds(500), target, "198.51.100.30"));
        (await client.AlertsAsync(AlertRules.DistributedAttack, target)).ShouldHaveSingleItem().Count.ShouldBe(9);
    }

    [Fact]
    public async Task The_alert_list_filters_and_checks_its_query()
    {
        using var client = await ClientAsync();
        await client.PostAsync(Series(5, Start, s_second, (at, _) => FailedLogin(at, "quinn", "203.0.113.70")));
        await client.PostAsync(Series(20, Start.AddHours(1), s_second, (at, _) => Action(at, "EXPORT", "quinn")));

        (await client.AlertsAsync("severity=HIGH")).Select(static a => a.Rule).ShouldBe([AlertRules.MassExport, AlertRules.BruteForce], ignoreOrder: true);
        (await client.AlertsAsync("key_type=ip")).ShouldHaveSingleItem().Rule.ShouldBe(AlertRules.BruteForce);
        (await client.AlertsAsync($"from_date={Uri.EscapeDataString(Start.AddMinutes(30).ToString("O"))}")).ShouldHaveSingleItem().Rule.ShouldBe(AlertRules.MassExport);
        (await client.AlertsAsync($"to_date={Uri.EscapeDataString(Start.AddMinutes(30).ToString("O"))}")).ShouldHaveSingleItem().Rule.ShouldBe(AlertRules.BruteForce);
        (await client.AlertsAsync("status=open")).Count.ShouldBe(2);
        (await client.AlertsAsync("status=resolved")).ShouldBeEmpty();

        var page = await (await client.Read.GetAsync("/api/v1/alerts?limit=1&offset=1")).Content.ReadFromJsonAsync<Server.Alerts.AlertListResponse>(DetectionServerFixture.AlertJson);
        page!.Total.ShouldBe(2);
        page.Items.ShouldHaveSingleItem().Rule.ShouldBe(AlertRules.BruteForce);

        await (await client.Read.GetAsync("/api/v1/alerts?status=closed&rule=nope&severity=HUGE&limit=0&from_date=yesterday"))
            .ShouldBeValidationProblemAsync("status", "rule", "severity", "limit", "from_date");
    }

    private async Task<DetectionClient> ClientAsync() => new(server, await server.CreateTenantAsync("det"));

}

public sealed class PostgresDetectionRuleTests(PostgresDetectionFixture server) : DetectionRuleTests(server), IClassFixture<PostgresDetectionFixture>;

public sealed class SqliteDetectionRuleTests(SqliteDetectionFixture server) : DetectionRuleTests(server), IClassFixture<SqliteDetectionFixture>;
