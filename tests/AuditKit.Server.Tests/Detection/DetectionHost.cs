using System.Net.Http.Headers;
using AuditKit.Server.Detection;
using AuditKit.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AuditKit.Server.Tests.Detection;

/// <summary>One server process (test host) on a given PostgreSQL database: several can share one database.</summary>
public sealed class DetectionHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    public DetectionHost(string connectionString)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("AuditKit:BootstrapAdminKey", AuditKitServerFixture.BootstrapKey);
            builder.UseSetting("ConnectionStrings:AuditKit", connectionString);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
        });
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public IServiceProvider Services => _factory.Services;

    public HttpClient CreateClient(string apiKey)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public Task WaitForDetectionAsync() =>
        _factory.Services.GetRequiredService<DetectionQueue>().WaitForIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}
