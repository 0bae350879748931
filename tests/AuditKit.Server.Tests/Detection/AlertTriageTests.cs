using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>Acknowledging and resolving alerts, and the suspicious-activity report (PostgreSQL).</summary>
public sealed class AlertTriageTests(PostgresDetectionFixture server) : IClassFixture<PostgresDetectionFixture>
{
    private const string Ip = "203.0.113.80";

    [Fact]
    public async Task Acknowledge_then_resolve_records_who_when_and_why_and_reopens_on_the_next_match()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("triage"));
        using var admin = server.CreateClient(client.Tenant.AdminKey);
        await client.PostAsync(Series(5, Start, TimeSpan.FromSeconds(1), (at, _) => FailedLogin(at, "rita", Ip)));
        var alert = (await client.AlertsAsync(AlertRules.BruteForce, Ip)).ShouldHaveSingleItem();

        var acknowledged = await PatchAsync(client.Read, alert.Id, new { status = "acknowledged", note = "Looking into it" });
        acknowledged.Status.ShouldBe(AlertStatus.Acknowledged);
        acknowledged.AcknowledgedNote.ShouldBe("Looking into it");
        acknowledged.AcknowledgedBy.ShouldStartWith("api-key:");
        acknowledged.AcknowledgedAt!.Value.ShouldBe(server.Time.GetUtcNow(), TimeSpan.FromMilliseconds(1));

        // Still the alert further matches update: no second alert while someone is on it.
        await client.PostAsync(Series(2, Start.AddSeconds(30), TimeSpan.FromSeconds(1), (at, _) => FailedLogin(at, "rita", Ip)));
        var updated = (await client.AlertsAsync(AlertRules.BruteForce, Ip)).ShouldHaveSingleItem();
        updated.Id.ShouldBe(alert.Id);
        updated.Count.ShouldBe(7);
        updated.Status.ShouldBe(AlertStatus.Acknowledged);

        await (await client.Read.PatchAsJsonAsync($"/api/v1/alerts/{alert.Id}", new { status = "acknowledged" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        server.Time.Advance(TimeSpan.FromMinutes(5));
        var resolved = await PatchAsync(admin, alert.Id, new { status = "RESOLVED", note = "Blocked the IP at the firewall" });
        resolved.Status.ShouldBe(AlertStatus.Resolved);
        resolved.ResolvedNote.ShouldBe("Blocked the IP at the firewall");
        resolved.AcknowledgedNote.ShouldBe("Looking into it");
        await (await client.Read.PatchAsJsonAsync($"/api/v1/alerts/{alert.Id}", new { status = "resolved" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        // The next attack from the IP is a new alert.
        await client.PostAsync(Series(5, Start.AddHours(1), TimeSpan.FromSeconds(1), (at, _) => FailedLogin(at, "rita", Ip)));
        var alerts = await client.AlertsAsync(AlertRules.BruteForce, Ip);
        alerts.Count.ShouldBe(2);
        var reopened = alerts.Single(a => a.Id != alert.Id);
        reopened.Status.ShouldBe(AlertStatus.Open);
        reopened.FirstSeen.ShouldBe(Start.AddHours(1));
        (await client.AlertsAsync("status=resolved")).ShouldHaveSingleItem().Id.ShouldBe(alert.Id);

        // Both changes are in the tenant's own audit log.
        var page = await (await client.Read.GetAsync($"/api/v1/audit-logs?category={AlertEndpoints.AuditCategory}&resource_id={alert.Id}&sort_order=asc")).ReadPageAsync();
        page.Items.Count.ShouldBe(2);
        page.Items.ShouldAllBe(e => e.Action == "UPDATE" && e.ResourceType == "Alert");
        page.Items[0].NewValues!["status"]!.GetValue<string>().ShouldBe("acknowledged");
        page.Items[1].NewValues!["status"]!.GetValue<string>().ShouldBe("resolved");
        page.Items[1].NewValues!["note"]!.GetValue<string>().ShouldBe("Blocked the IP at the firewall");
    }

    [Fact]
    public async Task Status_changes_are_checked_and_tenant_scoped()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("triage"));
        var other = await server.CreateTenantAsync("triage");
        await client.PostAsync(Series(5, Start, TimeSpan.FromSeconds(1), (at, _) => FailedLogin(at, "sam", Ip)));
        var alert = (await client.AlertsAsync(AlertRules.BruteForce, Ip)).ShouldHaveSingleItem();
        var route = $"/api/v1/alerts/{alert.Id}";

        await (await client.Read.PatchAsJsonAsync(route, new { status = "closed" })).ShouldBeValidationProblemAsync("status");
        await (await client.Read.PatchAsJsonAsync(route, new { status = "resolved", note = new string('x', 2001) })).ShouldBeValidationProblemAsync("note");
        await (await client.Read.PatchAsync(route, new StringContent("{\"status\": 5}", System.Text.Encoding.UTF8, "application/json"))).ShouldBeValidationProblemAsync("status");

        using var ingest = server.CreateClient(client.Tenant.IngestKey);
        (await ingest.PatchAsJsonAsync(route, new { status = "resolved" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var stranger = server.CreateClient(other.ReadKey);
        await (await stranger.PatchAsJsonAsync(route, new { status = "resolved" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.GetAsync(route)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await client.Read.GetAsync("/api/v1/alerts/not-a-uuid")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        (await client.AlertsAsync(AlertRules.BruteForce, Ip)).ShouldHaveSingleItem().Status.ShouldBe(AlertStatus.Open);
    }

    [Fact]
    public async Task Concurrent_changes_of_one_alert_make_one_change_and_one_record()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("triage"));
        await client.PostAsync(Series(5, Start, TimeSpan.FromSeconds(1), (at, _) => FailedLogin(at, "tess", Ip)));
        var alert = (await client.AlertsAsync(AlertRules.BruteForce, Ip)).ShouldHaveSingleItem();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.Read.PatchAsJsonAsync($"/api/v1/alerts/{alert.Id}", new { status = "resolved", note = $"analyst {i}" })));

        responses.Count(static r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        responses.Count(static r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(7);
        var winner = (await responses.Single(static r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<AlertResponse>(DetectionServerFixture.AlertJson))!;
        var record = (await (await client.Read.GetAsync($"/api/v1/audit-logs?category={AlertEndpoints.AuditCategory}&resource_id={alert.Id}")).ReadPageAsync())
            .Items.ShouldHaveSingleItem();
        record.NewValues!["note"]!.GetValue<string>().ShouldBe(winner.ResolvedNote);
    }

    [Fact]
    public async Task A_change_whose_audit_record_cannot_be_stored_is_not_made()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("triage"));
        await client.PostAsync(Series(5, Start, TimeSpan.FromSeconds(1), (at, _) => FailedLogin(at, "uma", Ip)));
        var alert = (await client.AlertsAsync(AlertRules.BruteForce, Ip)).ShouldHaveSingleItem();
        var route = $"/api/v1/alerts/{alert.Id}";
        var records = $"/api/v1/audit-logs?category={AlertEndpoints.AuditCategory}&resource_id={alert.Id}";

        await using (await server.RefuseEventsAsync(client.Tenant.Id, AlertEndpoints.AuditCategory))
        {
            (await client.Read.PatchAsJsonAsync(route, new { status = "resolved", note = "unrecorded" })).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }

        var unchanged = (await client.AlertsAsync(AlertRules.BruteForce, Ip)).ShouldHaveSingleItem();
        unchanged.Status.ShouldBe(AlertStatus.Open);
        unchanged.ResolvedNote.ShouldBeNull();
        (await (await client.Read.GetAsync(records)).ReadPageAsync()).Items.ShouldBeEmpty();

        (await PatchAsync(client.Read, alert.Id, new { status = "resolved", note = "recorded" })).ResolvedNote.ShouldBe("recorded");
        (await (await client.Read.GetAsync(records)).ReadPageAsync()).Items.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Suspicious_activity_lists_unresolved_alerts_and_current_patterns()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("triage"));
        var now = server.Time.GetUtcNow();
        await client.PostAsync(Series(6, now.AddHours(-2), TimeSpan.FromSeconds(1), (at, i) => FailedLogin(at, $"user-{i % 2}", Ip)));
        await client.PostAsync(Series(25, now.AddHours(-1), TimeSpan.FromSeconds(1), (at, _) => Action(at, "EXPORT", "tina")));

        var report = await (await client.Read.GetAsync("/api/v1/audit-logs/suspicious-activity")).Content
            .ReadFromJsonAsync<SuspiciousActivityResponse>(DetectionServerFixture.AlertJson);

        report!.To.ShouldBe(now);
        report.From.ShouldBe(now.AddDays(-1));
        report.OpenAlertCount.ShouldBe(2);
        report.OpenAlerts.Select(static a => a.Rule).ShouldBe([AlertRules.MassExport, AlertRules.BruteForce]);
        var byIp = report.Patterns.Where(static p => p.Pattern == "failed_logins_by_ip").ShouldHaveSingleItem();
        byIp.Key.ShouldBe(Ip);
        byIp.Count.ShouldBe(6);
        byIp.Distinct.ShouldBe(2);
        report.Patterns.ShouldContain(static p => p.Pattern == "exports_by_user" && p.Key == "tina" && p.Count == 25);

        var earlier = await (await client.Read.GetAsync(
            $"/api/v1/audit-logs/suspicious-activity?from_date={Q(now.AddDays(-3))}&to_date={Q(now.AddHours(-1.5))}")).Content
            .ReadFromJsonAsync<SuspiciousActivityResponse>(DetectionServerFixture.AlertJson);
        earlier!.Patterns.ShouldHaveSingleItem().Pattern.ShouldBe("failed_logins_by_ip");

        await (await client.Read.GetAsync("/api/v1/audit-logs/suspicious-activity?from_date=soon&limit=-1")).ShouldBeValidationProblemAsync("from_date", "limit");
        using var ingest = server.CreateClient(client.Tenant.IngestKey);
        (await ingest.GetAsync("/api/v1/audit-logs/suspicious-activity")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private static async Task<AlertResponse> PatchAsync(HttpClient client, Guid id, object body)
    {
        var response = await client.PatchAsJsonAsync($"/api/v1/alerts/{id}", body);
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AlertResponse>(DetectionServerFixture.AlertJson))!;
    }
}
