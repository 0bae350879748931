using Microsoft.AspNetCore.Http;

namespace AuditKit.Server.Tests.Hosting;

/// <summary>What the server shows in Production, and whose word it takes for the client's address behind a proxy.</summary>
public sealed class ProductionSurfaceTests : IDisposable
{
    private const string Key = "a-production-bootstrap-key-of-forty-chars";
    private static readonly IPAddress s_proxy = IPAddress.Parse("10.0.0.5");
    private static readonly IPAddress s_stranger = IPAddress.Parse("198.51.100.23");
    private readonly TempDirectory _directory = new("auditkit-surface-tests");

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar")]
    [InlineData("/")]
    public async Task The_api_reference_is_not_served_in_production_by_default(string path)
    {
        using var factory = Server("Production");
        using var client = factory.CreateClient();

        (await client.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/openapi/v1.json", "application/json")]
    [InlineData("/scalar", "text/html")]
    public async Task The_api_reference_is_served_in_production_when_enabled(string path, string mediaType)
    {
        using var factory = Server("Production", ("AuditKit:ApiReference:Enabled", "true"));
        using var client = factory.CreateClient();

        var response = await client.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe(mediaType);
    }

    [Fact]
    public async Task The_api_reference_can_be_turned_off_outside_production()
    {
        using var factory = Server("Testing", ("AuditKit:ApiReference:Enabled", "false"));
        using var client = factory.CreateClient();

        (await client.GetAsync("/openapi/v1.json")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_forwarded_client_address_is_believed_from_a_known_proxy_only()
    {
        using var factory = Server("Production", ("AuditKit:ForwardedHeaders:KnownProxies:0", s_proxy.ToString()));

        // Through the proxy: the client it names is recorded.
        (await RecordedAddressAsync(factory, s_proxy, "203.0.113.7")).ShouldBe("203.0.113.7");

        // Straight from elsewhere, claiming to be someone else: the connection's address is recorded.
        (await RecordedAddressAsync(factory, s_stranger, "203.0.113.8")).ShouldBe(s_stranger.ToString());
    }

    [Fact]
    public async Task Without_known_proxies_forwarded_headers_are_ignored()
    {
        using var factory = Server("Production");

        (await RecordedAddressAsync(factory, s_proxy, "203.0.113.9")).ShouldBe(s_proxy.ToString());
    }

    [Theory]
    [InlineData("AuditKit:ForwardedHeaders:KnownProxies:0", "proxy.internal", "KnownProxies:0 must be an IP address")]
    [InlineData("AuditKit:ForwardedHeaders:KnownNetworks:0", "10.0.0.0", "KnownNetworks:0 must be a network in CIDR notation")]
    [InlineData("AuditKit:ForwardedHeaders:ForwardLimit", "0", "ForwardLimit must be between 1 and 10")]
    public void A_bad_proxy_setting_stops_the_server(string key, string value, string message)
    {
        using var factory = Server("Production", (key, value));

        var failure = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        failure.Message.ShouldContain(message);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Creates a tenant with a request whose connection comes from <paramref name="from"/> and carries
    /// <c>X-Forwarded-For: <paramref name="forwardedFor"/></c>; returns the client address its admin record stored.
    /// </summary>
    private static async Task<string?> RecordedAddressAsync(WebApplicationFactory<Program> factory, IPAddress from, string forwardedFor)
    {
        using var _ = factory.CreateClient();
        var tenantId = $"fwd-{Guid.NewGuid():N}";
        var body = Encoding.UTF8.GetBytes($$"""{"id":"{{tenantId}}","name":"Forwarded"}""");
        var created = await factory.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = "/api/v1/admin/tenants";
            context.Request.Headers.Authorization = $"Bearer {Key}";
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(body);
            context.Connection.RemoteIpAddress = from;
        });
        created.Response.StatusCode.ShouldBe(StatusCodes.Status201Created);

        using var admin = factory.CreateBearerClient(Key);
        var readKey = await AuditKitServerFixture.CreateKeyAsync(admin, tenantId, "read");
        using var read = factory.CreateBearerClient(readKey);
        var page = await (await read.GetAsync("/api/v1/audit-logs?sort_order=asc")).ReadPageAsync();
        return page.Items.Single(static e => e.ResourceType == "Tenant").IpAddress;
    }

    private WebApplicationFactory<Program> Server(string environment, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("ConnectionStrings:AuditKit", string.Empty);
            builder.UseSetting("AuditKit:Storage:SqlitePath", _directory.File($"{Guid.NewGuid():N}.db"));
            builder.UseSetting("AuditKit:BootstrapAdminKey", Key);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
}
