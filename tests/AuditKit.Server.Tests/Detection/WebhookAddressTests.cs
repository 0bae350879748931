using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Detection;

/// <summary>
/// Webhooks cannot be used to reach the server's own network (server-side request forgery): internal addresses are
/// refused at creation and on connecting, redirects are not followed, and the delivery log tells nothing about ports.
/// The test server allows 127.0.0.1 (its receivers' host) and nothing else.
/// </summary>
public sealed class WebhookAddressTests(PostgresDetectionFixture server) : IClassFixture<PostgresDetectionFixture>
{
    public static TheoryData<string> InternalUrls { get; } = new()
    {
        "http://127.0.0.2:5432/",
        "http://127.255.255.254/",
        "http://2130706434/",
        "http://0x7f000002/",
        "http://10.0.0.1/",
        "http://172.16.5.4:8080/",
        "http://172.31.255.255/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://100.127.255.254/",
        "http://224.0.0.1/",
        "http://239.255.255.250:1900/",
        "http://0.0.0.0:5080/",
        "http://255.255.255.255/",
        "http://[::1]:5080/",
        "http://[::]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[fd12:3456:789a::1]/",
        "http://[ff02::1]/",
        "http://[::ffff:127.0.0.1]:5080/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:7f00:1]/",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::1]/",
        "http://localhost:5080/",
        "http://LOCALHOST./",
        "http://admin.localhost/",
        "http://ip6-localhost/",
    };

    [Theory]
    [MemberData(nameof(InternalUrls))]
    public async Task A_webhook_to_an_internal_address_is_refused_at_creation(string url)
    {
        var tenant = await server.CreateTenantAsync("ssrf");
        using var admin = server.CreateClient(tenant.AdminKey);

        var response = await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{tenant.Id}/webhooks", new { url });

        await response.ShouldBeValidationProblemAsync("url");
    }

    [Theory]
    [MemberData(nameof(InternalUrls))]
    [InlineData("http://127.0.0.1:5432/")]
    [InlineData("https://127.0.0.1/")]
    public void The_policy_refuses_every_internal_address_when_nothing_is_allowed(string url)
    {
        var policy = new WebhookAddressPolicy(Options.Create(new WebhookOptions()));

        policy.RefusalOf(new Uri(url)).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("https://hooks.example.com/auditkit")]
    [InlineData("https://8.8.8.8/")]
    [InlineData("https://203.0.113.9/")]
    [InlineData("https://172.32.0.1/")]
    [InlineData("https://100.128.0.1/")]
    [InlineData("https://[2001:4860:4860::8888]/")]
    [InlineData("https://[::ffff:8.8.8.8]/")]
    [InlineData("https://notlocalhost.example/")]
    public void The_policy_accepts_public_addresses_and_names(string url)
    {
        var policy = new WebhookAddressPolicy(Options.Create(new WebhookOptions()));

        policy.RefusalOf(new Uri(url)).ShouldBeNull();
    }

    [Fact]
    public void Allowed_hosts_are_matched_by_name_or_address_and_nothing_else()
    {
        var policy = new WebhookAddressPolicy(Options.Create(new WebhookOptions { AllowedHosts = ["hooks.internal", "10.1.2.3", "[fd00::7]"] }));

        policy.RefusalOf(new Uri("http://HOOKS.internal:8080/x")).ShouldBeNull();
        policy.RefusalOf(new Uri("http://10.1.2.3/")).ShouldBeNull();
        policy.RefusalOf(new Uri("http://[fd00::7]/")).ShouldBeNull();
        policy.RefusalOf(new Uri("http://10.1.2.4/")).ShouldNotBeNull();
        policy.RefusalOf(new Uri("http://[::ffff:10.1.2.3]/")).ShouldNotBeNull();
        policy.RefusalOf(new Uri("http://localhost/")).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_stored_webhook_whose_host_resolves_to_loopback_is_refused_on_connecting_and_never_called()
    {
        // Stored directly, as a webhook created before this check or a name re-pointed after creation (DNS
        // rebinding) would be: only the connect step stands between it and the receiver.
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = new DetectionClient(server, await server.CreateTenantAsync("ssrf"));
        using var admin = server.CreateClient(client.Tenant.AdminKey);
        var webhookId = await StoreWebhookAsync(client.Tenant.Id, new Uri($"http://localhost:{receiver.Url.Port}/hook"));

        await client.PostAsync(Series(20, Start, TimeSpan.FromSeconds(1), (at, _) => Action(at, "EXPORT", "victor")));

        var delivery = await WaitForDeliveryAsync(admin, client.Tenant.Id, webhookId);
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Failed);
        delivery.Error.ShouldBe(WebhookFailureReason.RefusedAddress);
        delivery.Attempts.ShouldBe(1);
        delivery.ResponseStatus.ShouldBeNull();
        receiver.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_its_target_never_receives_the_signed_body()
    {
        await using var target = await WebhookReceiver.StartAsync();
        await using var redirecting = await WebhookReceiver.StartAsync(redirectTo: target.Url);
        using var client = new DetectionClient(server, await server.CreateTenantAsync("ssrf"));
        using var admin = server.CreateClient(client.Tenant.AdminKey);
        var webhook = await CreateAsync(admin, client.Tenant.Id, redirecting.Url);

        await client.PostAsync(Series(20, Start, TimeSpan.FromSeconds(1), (at, _) => Action(at, "EXPORT", "victor")));

        var delivery = await WaitForDeliveryAsync(admin, client.Tenant.Id, webhook);
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Failed);
        delivery.ResponseStatus.ShouldBe(307);
        delivery.Error.ShouldBe(WebhookFailureReason.RedirectRefused);
        delivery.Attempts.ShouldBe(1);
        redirecting.Received.Count.ShouldBe(1);
        target.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_closed_port_and_an_open_port_that_is_not_a_receiver_fail_with_the_same_fixed_reason()
    {
        // A port nobody listens on, and a listener that answers anything but HTTP (as a database port would).
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var open = new TcpListener(IPAddress.Loopback, 0);
        open.Start();
        using var stop = new CancellationTokenSource();
        var answering = AnswerGarbageAsync(open, stop.Token);

        using var client = new DetectionClient(server, await server.CreateTenantAsync("ssrf"));
        using var admin = server.CreateClient(client.Tenant.AdminKey);
        var toClosed = await CreateAsync(admin, client.Tenant.Id, new Uri($"http://127.0.0.1:{closedPort}/hook"));
        var toOpen = await CreateAsync(admin, client.Tenant.Id, new Uri($"http://127.0.0.1:{((IPEndPoint)open.LocalEndpoint).Port}/hook"));

        await client.PostAsync(Series(20, Start, TimeSpan.FromSeconds(1), (at, _) => Action(at, "EXPORT", "victor")));

        var closedDelivery = await WaitForDeliveryAsync(admin, client.Tenant.Id, toClosed);
        var openDelivery = await WaitForDeliveryAsync(admin, client.Tenant.Id, toOpen);
        await stop.CancelAsync();
        await answering;
        closedDelivery.Status.ShouldBe(WebhookDeliveryStatus.Failed);
        openDelivery.Status.ShouldBe(WebhookDeliveryStatus.Failed);
        closedDelivery.Error.ShouldBe(WebhookFailureReason.ConnectFailed);
        openDelivery.Error.ShouldBe(WebhookFailureReason.ConnectFailed);
        (closedDelivery.ResponseStatus, openDelivery.ResponseStatus).ShouldBe((null, null));
    }

    private static async Task AnswerGarbageAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync(cancellationToken);
                await socket.SendAsync(Encoding.ASCII.GetBytes("-ERR unknown command\r\n"), SocketFlags.None, cancellationToken);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<Guid> StoreWebhookAsync(string tenantId, Uri url)
    {
        var services = server.Factory.Services;
        var protector = services.GetRequiredService<WebhookSecretProtector>();
        var id = Guid.CreateVersion7();
        await using var db = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync();
        db.Add(new WebhookRow
        {
            TenantId = tenantId,
            Id = id,
            Url = url.ToString(),
            SecretCiphertext = protector.Protect(tenantId, id, WebhookSecretProtector.NewSecret()),
            MinimumSeverity = AuditSeverity.Low,
            CreatedAt = AuditEventRow.ToStoredTime(server.Time.GetUtcNow()),
        });
        await db.SaveChangesAsync();
        return id;
    }

    private static async Task<Guid> CreateAsync(HttpClient admin, string tenantId, Uri url)
    {
        var response = await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{tenantId}/webhooks", new { url });
        await response.ShouldHaveStatusAsync(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<WebhookCreatedResponse>(DetectionServerFixture.AlertJson))!.Id;
    }

    private static async Task<WebhookDeliveryResponse> WaitForDeliveryAsync(HttpClient admin, string tenantId, Guid webhookId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await admin.GetAsync($"/api/v1/admin/tenants/{tenantId}/webhook-deliveries?webhook_id={webhookId}");
            var page = (await response.Content.ReadFromJsonAsync<WebhookDeliveryListResponse>(DetectionServerFixture.AlertJson))!;
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
