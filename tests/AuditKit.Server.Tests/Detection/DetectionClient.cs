namespace AuditKit.Server.Tests.Detection;

/// <summary>What detection tests do through the HTTP API: post events, wait for evaluation, read alerts.</summary>
public sealed class DetectionClient(DetectionServerFixture server, TestTenant tenant) : IDisposable
{
    private readonly HttpClient _ingest = server.CreateClient(tenant.IngestKey);
    private readonly HttpClient _read = server.CreateClient(tenant.ReadKey);

    public TestTenant Tenant => tenant;

    public HttpClient Read => _read;

    /// <summary>Posts <paramref name="events"/> as one batch, checks every one was accepted, and waits for detection.</summary>
    public async Task PostAsync(params object[] events)
    {
        var result = await (await _ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", events)).ReadBatchResultAsync();
        result.Accepted.ShouldBe(events.Length, $"{result.Rejected} rejected");
        await server.WaitForDetectionAsync();
    }

    /// <summary>The tenant's alerts matching <paramref name="query"/> (a query string without '?').</summary>
    internal async Task<IReadOnlyList<AlertResponse>> AlertsAsync(string query = "")
    {
        var response = await _read.GetAsync($"/api/v1/alerts?limit=1000&{query}");
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AlertListResponse>(DetectionServerFixture.AlertJson))!.Items;
    }

    /// <summary>The tenant's alerts of <paramref name="rule"/>.</summary>
    internal Task<IReadOnlyList<AlertResponse>> AlertsAsync(string rule, string? key) =>
        AlertsAsync($"rule={rule}" + (key is null ? string.Empty : $"&key={Uri.EscapeDataString(key)}"));

    public void Dispose()
    {
        _ingest.Dispose();
        _read.Dispose();
    }
}
