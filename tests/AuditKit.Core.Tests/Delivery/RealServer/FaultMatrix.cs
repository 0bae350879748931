namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>What every fault-matrix scenario shares: an app wired to a tenant, and the exactly-once check.</summary>
internal static class FaultMatrix
{
    /// <summary>
    /// An app with the delivery settings a user gets by default (no shortened retry delays, linger or circuit
    /// breaker), so the matrix proves what users get; <paramref name="configure"/> may only change sizes.
    /// </summary>
    public static TestApp CreateApp(Uri serverUrl, ServerTenant tenant, string spoolDirectory, string serviceName, Action<AuditKitOptions>? configure = null)
        => TestApp.Create(serverUrl, spoolDirectory, o =>
        {
            o.Delivery = new AuditDeliveryOptions();
            o.ApiKey = tenant.IngestKey;
            o.ServiceName = serviceName;
            configure?.Invoke(o);
        });

    /// <summary>The environment an emitter process is started with: the server, its key, a service name and a spool, defaults otherwise.</summary>
    public static Dictionary<string, string> EmitterSettings(Uri serverUrl, ServerTenant tenant, string serviceName, string spoolDirectory, string logLevel) => new()
    {
        ["AuditKit__ServerUrl"] = serverUrl.ToString(),
        ["AuditKit__ApiKey"] = tenant.IngestKey,
        ["AuditKit__ServiceName"] = serviceName,
        ["AuditKit__SpoolDirectory"] = spoolDirectory,
        ["Logging__LogLevel__Default"] = logLevel,
    };

    public static string NewServiceName() => "fault-" + Guid.NewGuid().ToString("N")[..12];

    public static List<Guid> Write(TestApp app, int count)
    {
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            var e = TestApp.NewEvent();
            app.Sink.TryWrite(e).ShouldBeTrue("the app never waits and never loses an event to a full channel");
            ids.Add(e.Id);
        }

        return ids;
    }

    /// <summary>Waits until the server holds exactly <paramref name="expected"/> for the service, each once.</summary>
    public static async Task AssertStoredExactlyOnceAsync(ServerTenant tenant, string serviceName, IReadOnlyCollection<Guid> expected, int timeoutSeconds = 60)
    {
        List<Guid> stored = [];
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            stored = await tenant.StoredIdsAsync(serviceName);
            if (stored.Count >= expected.Count || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        stored.Count.ShouldBe(expected.Count, $"the server holds {stored.Count} of {expected.Count} events");
        stored.Distinct().Count().ShouldBe(stored.Count, "no event is stored twice");
        stored.ToHashSet().SetEquals(expected).ShouldBeTrue("the server holds exactly the events the app accepted");
    }
}
