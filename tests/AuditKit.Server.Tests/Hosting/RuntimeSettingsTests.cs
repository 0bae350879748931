namespace AuditKit.Server.Tests.Hosting;

/// <summary>The runtime settings the server ships in its <c>runtimeconfig.json</c> (see docs/bench-ingest.md).</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_server_ships_thread_pool_workers_that_do_not_spin_before_they_wait()
    {
        // The server's runtimeconfig.json is copied beside the test assembly with the server's own build output.
        var path = Path.Combine(AppContext.BaseDirectory, "AuditKit.Server.runtimeconfig.json");
        File.Exists(path).ShouldBeTrue(path);

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit).ShouldBeTrue();
        spinLimit.GetInt32().ShouldBe(0);
    }
}
