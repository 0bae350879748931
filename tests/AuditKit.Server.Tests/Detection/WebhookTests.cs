using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>Webhooks: configuration, HMAC-signed and timestamped deliveries, retries with backoff, the delivery log.</summary>
public sealed class WebhookTests(PostgresDetectionFixture server) : IClassFixture<PostgresDetectionFixture>
{
    private static readonly TimeSpan s_tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_new_alert_is_posted_signed_and_retried_until_the_receiver_takes_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failures: 2);
        using var client = new DetectionClient(server, await server.CreateTenantAsync("hook"));
        using var admin = server.CreateClient(client.Tenant.AdminKey);
        var webhook = await CreateAsync(admin, client.Tenant.Id, receiver.Url, "HIGH");
        var critical = await CreateAsync(admin, client.Tenant.Id, receiver.Url, "CRITICAL");
        webhook.Secret.ShouldStartWith("whsec_");

        await client.PostAsync(Series(5, Start, TimeSpan.FromSeconds(1), (at, _) => FailedLogin(at, "uma", "203.0.113.90")));
        var alert = (await client.AlertsAsync(AlertRules.BruteForce, null)).ShouldHaveSingleItem();

        var delivery = await WaitForDeliveryAsync(admin, client.Tenant.Id, webhook.Id);
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Delivered);
        delivery.Attempts.ShouldBe(3);
        delivery.ResponseStatus.ShouldBe(200);
        delivery.AlertId.ShouldBe(alert.Id);

        var received = receiver.Received.ToArray();
        received.Length.ShouldBe(3);
        foreach (var request in received)
        {
            request.Event.ShouldBe("alert.raised");
            request.Delivery.ShouldBe(delivery.Id.ToString());
            request.ContentType.ShouldStartWith("application/json");
            request.Signature.ShouldStartWith("v1=");
            WebhookSignature.Verify(webhook.Secret, request.Timestamp, request.Signature, request.Body, server.Time.GetUtcNow(), s_tolerance).ShouldBeTrue();

            // Any change to the body, the timestamp or the secret breaks the signature; an old timestamp is a replay.
            var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(request.Body).Replace("brute_force", "new_ip", StringComparison.Ordinal));
            WebhookSignature.Verify(webhook.Secret, request.Timestamp, request.Signature, tampered, server.Time.GetUtcNow(), s_tolerance).ShouldBeFalse();
            WebhookSignature.Verify(critical.Secret, request.Timestamp, request.Signature, request.Body, server.Time.GetUtcNow(), s_tolerance).ShouldBeFalse();
            WebhookSignature.Verify(webhook.Secret, request.Timestamp, request.Signature, request.Body, server.Time.GetUtcNow().AddMinutes(6), s_tolerance).ShouldBeFalse();
        }

        var posted = JsonSerializer.Deserialize<AlertResponse>(received[^1].Body, DetectionServerFixture.AlertJson)!;
        posted.Id.ShouldBe(alert.Id);
        posted.Rule.ShouldBe(AlertRules.BruteForce);
        posted.Count.ShouldBe(5);
        posted.Evidence.Count.ShouldBe(5);

        // The CRITICAL-only webhook got nothing for a HIGH alert.
        (await DeliveriesAsync(admin, client.Tenant.Id, critical.Id)).Items.ShouldBeEmpty();

        // An update of the open alert is not posted again.
        await client.PostAsync(FailedLogin(Start.AddSeconds(10), "uma", "203.0.113.90"));
        (await DeliveriesAsync(admin, client.Tenant.Id, null)).Total.ShouldBe(1);
    }

    [Theory]
    [InlineData(500, 4)]
    [InlineData(400, 1)]
    public async Task A_receiver_that_keeps_failing_is_logged_as_failed_after_the_retries_it_deserves(int status, int attempts)
    {
        await using var receiver = await WebhookReceiver.StartAsync(failures: int.MaxValue, failWith: status);
        using var client = new DetectionClient(server, await server.CreateTenantAsync("hook"));
        using var admin = server.CreateClient(client.Tenant.AdminKey);
        var webhook = await CreateAsync(admin, client.Tenant.Id, receiver.Url, null);

        await client.PostAsync(Series(20, Start, TimeSpan.FromSeconds(1), (at, _) => Action(at, "EXPORT", "victor")));

        var delivery = await WaitForDeliveryAsync(admin, client.Tenant.Id, webhook.Id);
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Failed);
        delivery.Attempts.ShouldBe(attempts);
        delivery.ResponseStatus.ShouldBe(status);
        delivery.Error.ShouldBe($"http_{status}");
        receiver.Received.Count.ShouldBe(attempts);
    }

    [Fact]
    public async Task Webhooks_are_managed_by_the_tenants_admin_and_their_secrets_are_stored_encrypted()
    {
        var tenant = await server.CreateTenantAsync("hook");
        var other = await server.CreateTenantAsync("hook");
        using var admin = server.CreateClient(tenant.AdminKey);
        var route = $"/api/v1/admin/tenants/{tenant.Id}/webhooks";

        await (await admin.PostAsJsonAsync(route, new { url = "ftp://example.test/x", minimum_severity = "SEVERE" }))
            .ShouldBeValidationProblemAsync("url", "minimum_severity");
        await (await admin.PostAsJsonAsync(route, new { url = "https://user:pass@example.test/x" })).ShouldBeValidationProblemAsync("url");
        var created = await CreateAsync(admin, tenant.Id, new Uri("https://hooks.example.test/auditkit"), "MEDIUM");

        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT secret_ciphertext FROM webhooks WHERE id = @id", connection);
            command.Parameters.AddWithValue("id", created.Id);
            var stored = (string)(await command.ExecuteScalarAsync())!;
            stored.ShouldStartWith("v1.");
            stored.ShouldNotContain(created.Secret["whsec_".Length..]);
        }

        var listed = await (await admin.GetAsync(route)).Content.ReadFromJsonAsync<WebhookListResponse>(DetectionServerFixture.AlertJson);
        listed!.Items.ShouldHaveSingleItem().MinimumSeverity.ShouldBe(AuditSeverity.Medium);
        (await admin.GetStringAsync(route)).ShouldNotContain("secret");

        using var stranger = server.CreateClient(other.AdminKey);
        await (await stranger.GetAsync(route)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.DeleteAsync($"{route}/{created.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        using var reader = server.CreateClient(tenant.ReadKey);
        (await reader.GetAsync(route)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        server.Time.Advance(TimeSpan.FromMinutes(1));
        (await admin.DeleteAsync($"{route}/{created.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await admin.DeleteAsync($"{route}/{created.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var audit = await (await reader.GetAsync("/api/v1/audit-logs?category=admin&resource=Webhook&sort_order=asc")).ReadPageAsync();
        audit.Items.Select(static e => e.Action).ShouldBe(["CREATE", "DELETE"]);
        JsonSerializer.Serialize(audit.Items, DetectionServerFixture.AlertJson).ShouldNotContain(created.Secret);
    }

    [Fact]
    public async Task A_webhook_change_whose_audit_record_cannot_be_stored_is_not_made()
    {
        var tenant = await server.CreateTenantAsync("hook");
        using var admin = server.CreateClient(tenant.AdminKey);
        var route = $"/api/v1/admin/tenants/{tenant.Id}/webhooks";
        async Task<int> CountAsync() =>
            (await (await admin.GetAsync(route)).Content.ReadFromJsonAsync<WebhookListResponse>(DetectionServerFixture.AlertJson))!.Items.Count;

        await using (await server.RefuseEventsAsync(tenant.Id, "admin"))
        {
            (await admin.PostAsJsonAsync(route, new { url = "https://hooks.example.test/a" })).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }

        (await CountAsync()).ShouldBe(0);
        var created = await CreateAsync(admin, tenant.Id, new Uri("https://hooks.example.test/b"), minimumSeverity: null);
        await using (await server.RefuseEventsAsync(tenant.Id, "admin"))
        {
            (await admin.DeleteAsync($"{route}/{created.Id}")).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }

        (await CountAsync()).ShouldBe(1);
        (await admin.DeleteAsync($"{route}/{created.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await CountAsync()).ShouldBe(0);
        using var reader = server.CreateClient(tenant.ReadKey);
        (await (await reader.GetAsync("/api/v1/audit-logs?category=admin&resource=Webhook")).ReadPageAsync()).Items.Count.ShouldBe(2);
    }

    private static async Task<WebhookCreatedResponse> CreateAsync(HttpClient admin, string tenantId, Uri url, string? minimumSeverity)
    {
        var response = await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{tenantId}/webhooks", new { url, minimum_severity = minimumSeverity });
        await response.ShouldHaveStatusAsync(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<WebhookCreatedResponse>(DetectionServerFixture.AlertJson))!;
    }

    private static async Task<WebhookDeliveryListResponse> DeliveriesAsync(HttpClient admin, string tenantId, Guid? webhookId)
    {
        var response = await admin.GetAsync($"/api/v1/admin/tenants/{tenantId}/webhook-deliveries" + (webhookId is { } id ? $"?webhook_id={id}" : string.Empty));
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<WebhookDeliveryListResponse>(DetectionServerFixture.AlertJson))!;
    }

    /// <summary>Polls the delivery log (bounded) until the webhook's delivery is no longer pending.</summary>
    private static async Task<WebhookDeliveryResponse> WaitForDeliveryAsync(HttpClient admin, string tenantId, Guid webhookId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = await DeliveriesAsync(admin, tenantId, webhookId);
            if (page.Items is [{ Status: not WebhookDeliveryStatus.Pending } done])
            {
                return done;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No completed delivery for webhook {webhookId}: {page.Items.Count} deliveries.");
            }

            await Task.Delay(50);
        }
    }
}
