namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>
/// A test class of the fault matrix: its tests deliver to the real server of its <see cref="AuditServerFixture"/>,
/// running before each test (one before it may have stopped it), and spool into their own temporary directory.
/// </summary>
public abstract class RealServerTestBase(AuditServerFixture fixture) : IClassFixture<AuditServerFixture>, IAsyncLifetime
{
    /// <summary>The real server, shared by the tests of the class.</summary>
    internal AuditServerProcess Server { get; } = fixture.Server;

    /// <summary>This test's spool directory, deleted after it.</summary>
    protected TempDirectory Spool { get; } = new("auditkit-spool");

    public virtual Task InitializeAsync() => Server.EnsureRunningAsync();

    public virtual Task DisposeAsync()
    {
        Spool.Dispose();
        return Task.CompletedTask;
    }
}
