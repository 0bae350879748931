using Microsoft.Extensions.Hosting;

namespace AuditKit.Core.Tests.Delivery;

/// <summary>An application host with AuditKit registered the way an app does it, pointed at a test server.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestApp(IHost host, string spoolDirectory, ListLoggerProvider logs)
    {
        _host = host;
        SpoolDirectory = spoolDirectory;
        Logs = logs;
    }

    public IServiceProvider Services => _host.Services;

    public IAuditSink Sink => _host.Services.GetRequiredService<IAuditSink>();

    public string SpoolDirectory { get; }

    public ListLoggerProvider Logs { get; }

    public static TestApp Create(Uri serverUrl, string spoolDirectory, Action<AuditKitOptions>? configure = null, Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var logs = new ListLoggerProvider();
        builder.Logging.AddProvider(logs);
        services?.Invoke(builder.Services);
        builder.Services.AddAuditKit(o =>
        {
            o.ServerUrl = serverUrl;
            o.ApiKey = AuditReceiver.Key;
            o.ServiceName = "delivery-tests";
            o.SpoolDirectory = spoolDirectory;
            o.Delivery.Linger = TimeSpan.FromMilliseconds(20);
            o.Delivery.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.Delivery.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
            o.Delivery.CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(500);
            o.Delivery.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.Delivery.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(10);
            o.Delivery.ShutdownDrainTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        });
        return new TestApp(builder.Build(), spoolDirectory, logs);
    }

    public Task StartAsync() => _host.StartAsync();

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
        }
    }

    public static AuditEvent NewEvent(string action = AuditActions.Create) => new()
    {
        Id = AuditEventIds.New(TimeProvider.System),
        Timestamp = DateTimeOffset.UtcNow,
        Action = action,
        ResourceType = "Customer",
        ResourceId = "42",
        Description = "delivery test",
    };

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
