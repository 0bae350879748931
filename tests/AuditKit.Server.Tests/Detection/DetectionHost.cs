using Microsoft.Extensions.Hosting;

namespace AuditKit.Server.Tests.Detection;

/// <summary>One server process (test host) on a given database: several can share one PostgreSQL database.</summary>
public sealed class DetectionHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    /// <summary>A host on the PostgreSQL database <paramref name="connectionString"/>.</summary>
    public DetectionHost(string connectionString)
        : this(new Dictionary<string, string?> { ["ConnectionStrings:AuditKit"] = connectionString })
    {
    }

    /// <summary>
    /// A host with <paramref name="settings"/> (storage and detection configuration). Without
    /// <paramref name="evaluateQueue"/> it has no detection worker: batches are stored, recorded in the outbox and
    /// queued, but nothing evaluates the queue — what a process that stops right after its ingest answers leaves behind.
    /// </summary>
    public DetectionHost(IReadOnlyDictionary<string, string?> settings, bool evaluateQueue = true)
    {
        _factory = TestServerHost.Create(
            [TestServerHost.UnpacedDetection, .. settings],
            Time,
            services: services =>
            {
                if (!evaluateQueue)
                {
                    foreach (var worker in services.Where(static d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DetectionWorker)).ToList())
                    {
                        services.Remove(worker);
                    }
                }
            });
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public IServiceProvider Services => _factory.Services;

    /// <summary>This host's outbox sweep.</summary>
    internal DetectionOutboxSweeper Sweeper => _factory.Services.GetRequiredService<DetectionOutboxSweeper>();

    public HttpClient CreateClient(string apiKey) => _factory.CreateBearerClient(apiKey);

    public Task WaitForDetectionAsync() =>
        _factory.Services.GetRequiredService<DetectionQueue>().WaitForIdleAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}
