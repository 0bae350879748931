namespace AuditKit.Server.Tests.Hosting;

/// <summary>Start-up checks of the server's configuration.</summary>
public sealed class ServerStartupTests : IDisposable
{
    private readonly TempDirectory _directory = new("auditkit-startup-tests");

    [Fact]
    public void Production_refuses_a_short_bootstrap_key()
    {
        using var factory = Server("Production", bootstrapKey: "too-short");

        var failure = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        failure.Message.ShouldContain("BootstrapAdminKey must be at least 32 characters");
    }

    [Fact]
    public async Task Production_accepts_a_long_bootstrap_key()
    {
        const string key = "a-production-bootstrap-key-of-forty-chars";
        using var factory = Server("Production", bootstrapKey: key);
        using var client = factory.CreateBearerClient(key);

        var response = await client.PostAsJsonAsync("/api/v1/admin/tenants", new { id = "prod", name = "Production" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Without_a_bootstrap_key_the_server_starts_and_admin_calls_are_unauthorized()
    {
        using var factory = Server("Production", bootstrapKey: string.Empty);
        using var client = factory.CreateClient();

        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", string.Empty.PadLeft(40, 'k'));
        (await client.PostAsJsonAsync("/api/v1/admin/tenants", new { id = "x", name = "x" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void Nonsensical_limits_refuse_to_start()
    {
        using var factory = Server("Development", bootstrapKey: null, ("AuditKit:MaxBatchEvents", "0"), ("AuditKit:DefaultPageSize", "5000"));

        var failure = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        failure.Message.ShouldContain("MaxBatchEvents");
        failure.Message.ShouldContain("DefaultPageSize");
    }

    [Fact]
    public void A_negative_clock_skew_refuses_to_start_naming_the_key()
    {
        using var factory = Server("Development", bootstrapKey: null, ("AuditKit:MaxClockSkew", "-00:01:00"));

        var failure = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        failure.Message.ShouldContain("AuditKit:MaxClockSkew");
    }

    [Fact]
    public void Nonsensical_rate_limits_refuse_to_start_naming_the_key()
    {
        using var factory = Server(
            "Development",
            bootstrapKey: null,
            ("AuditKit:RateLimits:LongReadsPerKey", "0"),
            ("AuditKit:RateLimits:Ingest:TokensPerPeriod", "5000"),
            ("AuditKit:RateLimits:Tenants:acme:Read:TokenLimit", "0"),
            ("AuditKit:RateLimits:FailedAuthentication:ReplenishmentPeriod", "00:00:00"));

        var failure = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        failure.Message.ShouldContain("AuditKit:RateLimits:LongReadsPerKey must be between 1 and");
        failure.Message.ShouldContain("AuditKit:RateLimits:Ingest:TokensPerPeriod must be between 1 and TokenLimit (1000) (was 5000)");
        failure.Message.ShouldContain("AuditKit:RateLimits:Tenants:acme:Read:TokenLimit must be at least 1 (was 0)");
        failure.Message.ShouldContain("AuditKit:RateLimits:FailedAuthentication:ReplenishmentPeriod must be more than zero");
    }

    [Fact]
    public void A_nonsensical_pool_size_refuses_to_start_naming_the_key()
    {
        using var factory = Server(
            "Development", bootstrapKey: null, ("ConnectionStrings:AuditKit", "Host=127.0.0.1;Port=1;Username=x"), ("AuditKit:Storage:MaxPoolSize", "0"));

        var failure = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        failure.Message.ShouldContain("AuditKit:Storage:MaxPoolSize must be between 1 and 1024 (was 0)");
    }

    public void Dispose() => _directory.Dispose();

    private WebApplicationFactory<Program> Server(string environment, string? bootstrapKey, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("ConnectionStrings:AuditKit", string.Empty);
            builder.UseSetting("AuditKit:Storage:SqlitePath", _directory.File($"{Guid.NewGuid():N}.db"));
            if (bootstrapKey is not null)
            {
                builder.UseSetting("AuditKit:BootstrapAdminKey", bootstrapKey);
            }

            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
}
