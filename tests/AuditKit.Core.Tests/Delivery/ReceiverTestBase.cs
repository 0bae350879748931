namespace AuditKit.Core.Tests.Delivery;

/// <summary>
/// A test class whose tests deliver to their own <see cref="AuditReceiver"/> (a real Kestrel on 127.0.0.1, started
/// before each test and stopped after it) and spool into their own temporary directory.
/// </summary>
public abstract class ReceiverTestBase : IAsyncLifetime
{
    private AuditReceiver? _receiver;

    /// <summary>The receiver this test's pipeline delivers to.</summary>
    internal AuditReceiver Receiver => _receiver ?? throw new InvalidOperationException("The receiver starts in InitializeAsync.");

    /// <summary>This test's spool directory, deleted after it.</summary>
    protected TempDirectory Spool { get; } = new("auditkit-spool");

    public async Task InitializeAsync() => _receiver = await AuditReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        Spool.Dispose();
    }
}
