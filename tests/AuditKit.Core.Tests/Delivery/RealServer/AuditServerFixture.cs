namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>One real server process per test class; every test works in a tenant of its own.</summary>
public sealed class AuditServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("auditkit-server");

    internal AuditServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await AuditServerProcess.StartAsync(_data.Path);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _data.Dispose();
    }
}
