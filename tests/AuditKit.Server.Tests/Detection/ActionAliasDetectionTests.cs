using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// Other clients' action names raise the same alerts as the contract's (docs/actions.md), through ingest and the alert
/// API, on both providers.
/// </summary>
public abstract class ActionAliasDetectionTests(DetectionServerFixture server)
{
    private static readonly TimeSpan s_second = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData("auth.login_failed")]
    [InlineData("login_failed")]
    [InlineData("Login-Failure")]
    public async Task Five_aliased_failed_logins_from_one_ip_raise_the_same_brute_force_alert_as_native_ones(string action)
    {
        const string ip = "203.0.113.70";
        using var native = await ClientAsync();
        using var aliased = await ClientAsync();
        await native.PostAsync(Series(5, Start, 30 * s_second, (at, _) => FailedLogin(at, "alice", ip)));
        await aliased.PostAsync(Series(5, Start, 30 * s_second, (at, _) => Failed(at, action, "alice", ip)));

        var expected = (await native.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem();
        var alert = (await aliased.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem();

        alert.KeyType.ShouldBe(expected.KeyType);
        alert.Severity.ShouldBe(expected.Severity);
        alert.Count.ShouldBe(expected.Count);
        alert.FirstSeen.ShouldBe(expected.FirstSeen);
        alert.LastSeen.ShouldBe(expected.LastSeen);
        alert.Evidence.Count.ShouldBe(expected.Evidence.Count);
        JsonNode.DeepEquals(alert.Details, expected.Details).ShouldBeTrue(alert.Details?.ToJsonString());
    }

    [Fact]
    public async Task Four_aliased_failed_logins_are_below_the_threshold()
    {
        using var client = await ClientAsync();
        const string ip = "203.0.113.71";
        await client.PostAsync(Series(4, Start, 30 * s_second, (at, _) => Failed(at, "auth.login_failed", "alice", ip)));

        (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_login_success_after_five_login_failed_is_a_compromise_suspect()
    {
        using var client = await ClientAsync();
        const string ip = "192.0.2.70";
        var events = Series(5, Start, TimeSpan.FromMinutes(1), (at, _) => Failed(at, "login_failed", "carol", ip)).ToList();
        events.Add(new { id = Guid.CreateVersion7(Start), timestamp = Start + TimeSpan.FromMinutes(6), action = "login_success", user_id = "carol", ip_address = ip, status = "SUCCESS" });
        await client.PostAsync([.. events]);

        var alert = (await client.AlertsAsync(AlertRules.CompromiseSuspect, "carol")).ShouldHaveSingleItem();
        alert.Count.ShouldBe(6);
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(49, false)]
    public async Task Deleted_events_raise_the_mass_delete_alert(int count, bool fires)
    {
        using var client = await ClientAsync();
        await client.PostAsync(Series(count, Start, 10 * s_second, (at, _) => Action(at, "deleted", "frank")));

        var alerts = await client.AlertsAsync(AlertRules.MassDelete, "frank");

        alerts.Count.ShouldBe(fires ? 1 : 0);
        if (fires)
        {
            alerts[0].Count.ShouldBe(count);
        }
    }

    [Fact]
    public async Task Failed_deletes_are_not_deletes()
    {
        using var client = await ClientAsync();
        await client.PostAsync(Series(50, Start, 10 * s_second, (at, _) => Action(at, "delete_failed", "frank")));

        (await client.AlertsAsync(AlertRules.MassDelete, "frank")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("role_assigned")]
    [InlineData("ROLE_ASSIGNED")]
    [InlineData("permission_granted")]
    public async Task Granting_oneself_under_another_name_is_privilege_escalation(string action)
    {
        using var client = await ClientAsync();
        await client.PostAsync(Grant(Start, "grace", "grace", action));

        var alert = (await client.AlertsAsync(AlertRules.PrivilegeEscalation, "grace")).ShouldHaveSingleItem();
        alert.Severity.ShouldBe(AuditSeverity.Critical);
    }

    [Fact]
    public async Task A_grantee_acting_with_high_severity_after_a_permission_granted_is_privilege_escalation()
    {
        using var client = await ClientAsync();
        await client.PostAsync(Grant(Start, "admin", "heidi", "permission_granted"));
        await client.PostAsync(Action(Start + (60 * s_second), "CONFIG_UPDATE", "heidi", "HIGH"));

        (await client.AlertsAsync(AlertRules.PrivilegeEscalation, "heidi")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_tenant_s_configured_alias_counts_in_that_tenant_only()
    {
        const string ip = "203.0.113.72";
        using var configured = new DetectionClient(server, await server.CreateTenantWithIdAsync(server.AliasTenant));
        using var other = await ClientAsync();
        await configured.PostAsync(Series(5, Start, 30 * s_second, (at, _) => Failed(at, "signin_denied", "ivan", ip)));
        await other.PostAsync(Series(5, Start, 30 * s_second, (at, _) => Failed(at, "signin_denied", "ivan", ip)));

        (await configured.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem().Count.ShouldBe(5);
        (await other.AlertsAsync(AlertRules.BruteForce, ip)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Lists_answer_the_action_as_sent_and_the_canonical_one_and_failed_auth_finds_aliases()
    {
        using var client = await ClientAsync();
        await client.PostAsync(
            Failed(Start, "auth.login_failed", "judy", "198.51.100.9"),
            new { id = Guid.CreateVersion7(Start), timestamp = Start, action = "login_success", user_id = "judy", action_canonical = "DELETE" });

        var list = await client.Read.GetFromJsonAsync<JsonObject>("/api/v1/audit-logs?user_id=judy&sort_by=action&sort_order=asc");
        var items = list!["items"]!.AsArray();
        items.Select(static i => (i!["action"]!.GetValue<string>(), i["action_canonical"]!.GetValue<string>()))
            .ShouldBe([("AUTH_LOGIN_FAILED", "LOGIN_FAILED"), ("LOGIN_SUCCESS", "LOGIN")]);

        var failed = await client.Read.GetFromJsonAsync<JsonObject>("/api/v1/audit-logs/failed-auth");
        failed!["items"]!.AsArray().ShouldHaveSingleItem()!["action"]!.GetValue<string>().ShouldBe("AUTH_LOGIN_FAILED");
    }

    private static object Failed(DateTimeOffset at, string action, string user, string ip) =>
        new { id = Guid.CreateVersion7(at), timestamp = at, action, user_id = user, ip_address = ip, status = "FAILURE", severity = "CRITICAL" };

    private async Task<DetectionClient> ClientAsync() => new(server, await server.CreateTenantAsync("act"));
}

public sealed class PostgresActionAliasDetectionTests(PostgresDetectionFixture server) : ActionAliasDetectionTests(server), IClassFixture<PostgresDetectionFixture>;

public sealed class SqliteActionAliasDetectionTests(SqliteDetectionFixture server) : ActionAliasDetectionTests(server), IClassFixture<SqliteDetectionFixture>;
