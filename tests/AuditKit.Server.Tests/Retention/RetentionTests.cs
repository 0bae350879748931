using static AuditKit.Server.Tests.Detection.OutboxStorage;
using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Retention;

/// <summary>
/// Events older than their tenant's retention are deleted with what is derived from them, each purge is itself
/// recorded, and the job runs on its own every interval. The server's clock is fake: "now" is 2025-03-01 09:00 UTC.
/// </summary>
public sealed class RetentionTests
{
    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQLite")]
    public async Task Events_older_than_the_tenants_retention_are_deleted_with_what_is_derived_from_them(string provider)
    {
        await using var storage = await CreateAsync(provider);
        var purged = "ret-" + Guid.NewGuid().ToString("N")[..12];
        var kept = "keep-" + Guid.NewGuid().ToString("N")[..12];
        await using var host = Host(storage, ("AuditKit:Retention:Days", "30"), ("AuditKit:Retention:BatchSize", "100"), ($"AuditKit:Retention:Tenants:{kept}:Days", "0"));
        var now = host.Time.GetUtcNow();
        var old = now.AddDays(-60);
        var recent = now.AddDays(-10);

        var a = await CreateTenantAsync(host, "ret", purged);
        var b = await CreateTenantAsync(host, "keep", kept);
        foreach (var tenant in new[] { a, b })
        {
            using var ingest = host.CreateClient(tenant.IngestKey);
            await PostAsync(ingest, Series(250, old, TimeSpan.FromSeconds(1), static (at, i) => Action(at, "READ", $"user-{i % 5}")));
            await PostAsync(ingest, Series(5, old.AddHours(2), TimeSpan.FromSeconds(10), static (at, _) => FailedLogin(at, "mallory", "203.0.113.9")));
            await PostAsync(ingest, Series(20, recent, TimeSpan.FromSeconds(1), static (at, i) => Action(at, "UPDATE", $"user-{i % 5}")));
        }

        await host.WaitForDetectionAsync();
        foreach (var tenant in new[] { a, b })
        {
            using var read = host.CreateClient(tenant.ReadKey);
            var alert = (await AlertsAsync(host, tenant, AlertRules.BruteForce)).ShouldHaveSingleItem();
            (await read.PatchAsJsonAsync($"/api/v1/alerts/{alert.Id}", new { status = "resolved" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var retention = host.Services.GetRequiredService<AuditRetentionService>();
        (await retention.PurgeAsync(CancellationToken.None)).ShouldBe(new Dictionary<string, long> { [purged] = 255 });

        // The purged tenant: the old events and everything derived from them are gone, the recent ones stay.
        using (var read = host.CreateClient(a.ReadKey))
        {
            // The recent events, and the server's own records: the tenant, its three keys, the alert's resolution, the purge.
            (await Count(read, "")).ShouldBe(20 + 1 + 3 + 1 + 1);
            (await Count(read, $"&to_date={Q(now.AddDays(-30))}")).ShouldBe(0);
            (await Count(read, $"&from_date={Q(recent)}&to_date={Q(now.AddDays(-1))}")).ShouldBe(20);
            (await AlertsAsync(host, a, AlertRules.BruteForce)).ShouldBeEmpty();
            (await Sum(host, a, "SELECT coalesce(sum(event_count), 0) FROM audit_event_hourly WHERE tenant_id = @t")).ShouldBe(26);
            (await Sum(host, a, "SELECT count(*) FROM detection_user_days WHERE tenant_id = @t")).ShouldBe(5);
            (await Sum(host, a, "SELECT coalesce(sum(event_count), 0) FROM detection_user_minutes WHERE tenant_id = @t")).ShouldBe(20);

            var summary = await read.GetFromJsonAsync<System.Text.Json.JsonElement>(
                $"/api/v1/audit-logs/summary?from_date={Q(old.AddDays(-1))}&to_date={Q(now.AddDays(-1))}&bucket=day");
            summary.GetProperty("total").GetInt64().ShouldBe(20);

            var record = (await (await read.GetAsync($"/api/v1/audit-logs?category={AuditRetentionService.AuditCategory}")).ReadPageAsync()).Items.ShouldHaveSingleItem();
            record.Action.ShouldBe("DELETE");
            record.UserId.ShouldBe(AuditRetentionService.Actor);
            record.Source.ShouldBe(AuditSources.Server);
            record.NewValues!["deleted_events"]!.GetValue<long>().ShouldBe(255);
            record.NewValues!["retention_days"]!.GetValue<int>().ShouldBe(30);
            record.NewValues!["before"]!.GetValue<string>().ShouldBe(AuditRetentionService.Cut(now, 30).ToString("O", CultureInfo.InvariantCulture));
        }

        // The tenant that keeps its events (0 days) lost nothing.
        using (var read = host.CreateClient(b.ReadKey))
        {
            (await Count(read, $"&to_date={Q(now.AddDays(-30))}")).ShouldBe(255);
            (await AlertsAsync(host, b, AlertRules.BruteForce)).ShouldHaveSingleItem();
        }

        // Nothing more to delete: no second record.
        (await retention.PurgeAsync(CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Webhook_deliveries_made_before_the_cut_are_deleted()
    {
        await using var storage = await CreateAsync("SQLite");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = Host(
            storage,
            ("AuditKit:Retention:Days", "30"),
            ("AuditKit:Webhooks:SecretKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))),
            ("AuditKit:Webhooks:RequireHttps", "false"),
            ("AuditKit:Webhooks:AllowedHosts:0", "127.0.0.1"));
        var tenant = await CreateTenantAsync(host, "hooks");
        using var admin = host.CreateClient(tenant.AdminKey);
        (await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{tenant.Id}/webhooks", new { url = receiver.Url })).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var ingest = host.CreateClient(tenant.IngestKey);
        await PostAsync(ingest, Series(5, host.Time.GetUtcNow(), TimeSpan.FromSeconds(1), static (at, _) => FailedLogin(at, "mallory", "203.0.113.10")));
        await host.WaitForDetectionAsync();
        for (var tries = 0; tries < 200 && receiver.Received.IsEmpty; tries++)
        {
            await Task.Delay(50);
        }

        (await DeliveryCount(admin, tenant)).ShouldBe(1);

        host.Time.Advance(TimeSpan.FromDays(31));
        await host.Services.GetRequiredService<AuditRetentionService>().PurgeAsync(CancellationToken.None);

        (await DeliveryCount(admin, tenant)).ShouldBe(0);
        receiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_job_runs_at_start_up_and_every_interval()
    {
        await using var storage = await CreateAsync("SQLite");
        await using var host = Host(storage, ("AuditKit:Retention:Days", "30"), ("AuditKit:Retention:Interval", "01:00:00"));
        var tenant = await CreateTenantAsync(host, "sched");
        using var ingest = host.CreateClient(tenant.IngestKey);
        using var read = host.CreateClient(tenant.ReadKey);
        await PostAsync(ingest, Series(10, host.Time.GetUtcNow().AddDays(-31), TimeSpan.FromSeconds(1), static (at, _) => Action(at, "READ", "ann")));
        (await Count(read, "&action=READ")).ShouldBe(10);

        // The start-up run came before the events; the next one comes an interval later.
        host.Time.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(200);
        (await Count(read, "&action=READ")).ShouldBe(10);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        for (var tries = 0; tries < 200 && await Count(read, "&action=READ") > 0; tries++)
        {
            await Task.Delay(50);
        }

        (await Count(read, "&action=READ")).ShouldBe(0);
    }

    [Fact]
    public void The_cut_is_the_start_of_the_hour_the_retention_reaches_back_to()
    {
        var now = new DateTimeOffset(2025, 3, 1, 9, 35, 12, TimeSpan.FromHours(2));
        AuditRetentionService.Cut(now, 30).ShouldBe(new DateTimeOffset(2025, 1, 30, 7, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Bad_settings_stop_the_server_naming_each_key()
    {
        await using var storage = await CreateAsync("SQLite");
        await using var host = Host(
            storage,
            ("AuditKit:Retention:Days", "-1"),
            ("AuditKit:Retention:Interval", "00:00:10"),
            ("AuditKit:Retention:BatchSize", "5"),
            ("AuditKit:Retention:Tenants:Not A Tenant:Days", "40000"));

        var failure = Should.Throw<OptionsValidationException>(() => host.CreateClient(AuditKitServerFixture.BootstrapKey));

        failure.Message.ShouldContain("AuditKit:Retention:Days must be between 0");
        failure.Message.ShouldContain("AuditKit:Retention:Interval");
        failure.Message.ShouldContain("AuditKit:Retention:BatchSize");
        failure.Message.ShouldContain("AuditKit:Retention:Tenants:Not A Tenant does not name a tenant");
        failure.Message.ShouldContain("AuditKit:Retention:Tenants:Not A Tenant:Days");
    }

    private static DetectionHost Host(OutboxStorage storage, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>(storage.Settings);
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new DetectionHost(all);
    }

    private static async Task<long> Count(HttpClient read, string filter) =>
        (await (await read.GetAsync($"/api/v1/audit-logs?limit=1{filter}")).ReadPageAsync()).Total!.Value;

    private static async Task<long> Sum(DetectionHost host, TestTenant tenant, string sql) =>
        Convert.ToInt64(await ScalarAsync(host, sql, tenant.Id), CultureInfo.InvariantCulture);

    private static async Task<int> DeliveryCount(HttpClient admin, TestTenant tenant) =>
        (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/admin/tenants/{tenant.Id}/webhook-deliveries")).GetProperty("items").GetArrayLength();
}
