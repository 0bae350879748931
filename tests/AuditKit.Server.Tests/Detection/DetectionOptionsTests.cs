namespace AuditKit.Server.Tests.Detection;

/// <summary>Detection and webhook settings are checked at start-up; tenant sections override only what they name.</summary>
public sealed class DetectionOptionsTests : IDisposable
{
    private readonly AuditKit.Testing.TempDirectory _directory = new("auditkit-detection-options");

    [Fact]
    public void Bad_thresholds_and_keys_stop_the_server_naming_each_key()
    {
        using var factory = Server(
            ("AuditKit:Detection:Rules:BruteForce:Threshold", "0"),
            ("AuditKit:Detection:Rules:MassExport:Window", "2.00:00:00"),
            ("AuditKit:Detection:PassInterval", "00:01:00"),
            ("AuditKit:Detection:Tenants:Not A Tenant:RateAnomaly:Factor", "0.5"));

        var failure = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        failure.Message.ShouldContain("AuditKit:Detection:Rules:BruteForce:Threshold");
        failure.Message.ShouldContain("AuditKit:Detection:Rules:MassExport:Window");
        failure.Message.ShouldContain("AuditKit:Detection:PassInterval must be between 00:00:00 and 00:00:10 (was 00:01:00)");
        failure.Message.ShouldContain("AuditKit:Detection:Tenants:Not A Tenant:RateAnomaly:Factor");
    }

    [Fact]
    public void A_webhook_secret_key_that_is_not_32_bytes_stops_the_server()
    {
        using var factory = Server(("AuditKit:Webhooks:SecretKey", Convert.ToBase64String(new byte[16])), ("AuditKit:Webhooks:MaxAttempts", "0"));

        var failure = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        failure.Message.ShouldContain("AuditKit:Webhooks:SecretKey must be 32 bytes");
        failure.Message.ShouldContain("AuditKit:Webhooks:MaxAttempts");
    }

    [Fact]
    public void A_webhook_allowed_host_that_is_not_a_host_stops_the_server()
    {
        using var factory = Server(
            ("AuditKit:Webhooks:AllowedHosts:0", "127.0.0.1"),
            ("AuditKit:Webhooks:AllowedHosts:1", "http://hooks.internal/"),
            ("AuditKit:Webhooks:AllowedHosts:2", "hooks.internal:8080"));

        var failure = Should.Throw<OptionsValidationException>(() => factory.CreateClient());

        failure.Message.ShouldNotContain("AllowedHosts:0");
        failure.Message.ShouldContain("AuditKit:Webhooks:AllowedHosts:1 must be a host name or an IP address");
        failure.Message.ShouldContain("AuditKit:Webhooks:AllowedHosts:2 must be a host name or an IP address");
    }

    [Fact]
    public void A_tenant_section_overrides_only_the_values_it_names()
    {
        using var factory = Server(
            ("AuditKit:Detection:Rules:BruteForce:Window", "00:02:00"),
            ("AuditKit:Detection:Rules:MassDelete:Threshold", "80"),
            ("AuditKit:Detection:Tenants:acme:BruteForce:Threshold", "3"));
        using var client = factory.CreateClient();

        var options = factory.Services.GetRequiredService<IOptions<DetectionOptions>>().Value;
        var acme = options.For("acme");
        acme.BruteForce.Threshold.ShouldBe(3);
        acme.BruteForce.Window.ShouldBe(TimeSpan.FromMinutes(2));
        acme.MassDelete.Threshold.ShouldBe(80);
        options.For("other").BruteForce.Threshold.ShouldBe(5);
        options.For("other").PasswordSpraying.Threshold.ShouldBe(10);
        factory.Services.GetRequiredService<WebhookSecretProtector>().IsConfigured.ShouldBeFalse();
    }

    public void Dispose() => _directory.Dispose();

    private WebApplicationFactory<Program> Server(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:AuditKit", string.Empty);
            builder.UseSetting("AuditKit:Storage:SqlitePath", _directory.File(Guid.NewGuid().ToString("N") + ".db"));
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
}
