using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AuditKit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

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
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

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
