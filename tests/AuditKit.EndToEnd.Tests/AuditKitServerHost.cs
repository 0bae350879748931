using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace AuditKit.EndToEnd.Tests;

/// <summary>The real AuditKit server on Kestrel at 127.0.0.1 (random port), on its embedded SQLite default in a temp directory.</summary>
public sealed class AuditKitServerHost : IAsyncDisposable
{
    public const string BootstrapKey = "e2e-bootstrap-admin-key-0123456789abcdefghijkl";

    private readonly TempDirectory _directory = new("auditkit-e2e-server");
    private readonly WebApplicationFactory<Program> _factory;

    private AuditKitServerHost(IReadOnlyDictionary<string, string?> settings)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("AuditKit:BootstrapAdminKey", BootstrapKey);
            builder.UseSetting("AuditKit:Storage:SqlitePath", DatabasePath);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            // Not the port of the appsettings.json: any free one.
            builder.UseSetting("urls", "http://127.0.0.1:0");
        });
        _factory.UseKestrel(0);
    }

    public Uri Address { get; private set; } = null!;

    public string DatabasePath => _directory.File("auditkit.db");

    public static Task<AuditKitServerHost> StartAsync() => StartAsync(new Dictionary<string, string?>());

    /// <summary>Starts the server with further configuration <paramref name="settings"/> (e.g. an OpenID provider for the console).</summary>
    public static async Task<AuditKitServerHost> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var host = new AuditKitServerHost(settings);
        host._factory.StartServer();
        var address = host._factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.Address = new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        using var client = host.CreateClient();
        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
        return host;
    }

    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>Creates a tenant and returns its (ingest, read) keys.</summary>
    public async Task<(string Tenant, string IngestKey, string ReadKey)> CreateTenantAsync()
    {
        using var admin = CreateClient(BootstrapKey);
        var id = $"e2e-{Guid.NewGuid():N}"[..20];
        (await admin.PostAsJsonAsync("/api/v1/admin/tenants", new { id, name = "End-to-end" })).EnsureSuccessStatusCode();
        return (id, await CreateKeyAsync(admin, id, "ingest"), await CreateKeyAsync(admin, id, "read"));
    }

    /// <summary>Every event of the tenant the read key belongs to, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEvent>> ListAsync(string readKey)
    {
        using var client = CreateClient(readKey);
        var response = await client.GetAsync("/api/v1/audit-logs?limit=1000&sort_order=asc");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(item => item.Deserialize(AuditJsonContext.Default.AuditEvent)!)];
    }

    /// <summary>Whether <paramref name="text"/> appears anywhere in the server's stored data (every table, every column).</summary>
    public Task<bool> StoredDataContainsAsync(string text) => SqliteStoredData.ContainsAsync(DatabasePath, text);

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    /// <summary>Creates a key of <paramref name="role"/> in <paramref name="tenantId"/> through <paramref name="admin"/> and returns its secret.</summary>
    internal static async Task<string> CreateKeyAsync(HttpClient admin, string tenantId, string role)
    {
        var response = await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{tenantId}/keys", new { role });
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("key").GetString()!;
    }
}
