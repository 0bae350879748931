using System.Net.Http.Headers;

namespace AuditKit.Core.Tests.Delivery.RealServer;

/// <summary>A tenant of a test server, with its ingest key (for the app) and read key (for checking what arrived).</summary>
internal sealed record ServerTenant(AuditServerProcess Server, string Id, string IngestKey, string ReadKey)
{
    /// <summary>
    /// Every stored event id of <paramref name="serviceName"/>, read back through the query API page by page; an id
    /// listed twice would show as a duplicate in the returned list.
    /// </summary>
    public async Task<List<Guid>> StoredIdsAsync(string serviceName)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var path = $"api/v1/audit-logs?service_name={Uri.EscapeDataString(serviceName)}&limit=1000&sort_order=asc"
                + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReadKey);
            using var response = await Server.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var page = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            ids.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
            cursor = page.RootElement.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        return ids;
    }
}
