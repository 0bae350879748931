using System.Net.Http.Headers;
using AuditKit.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuditKit.Middleware.Tests.Infrastructure;

/// <summary>The sample-app on its own SQLite file, auditing into an <see cref="InMemoryAuditSink"/>.</summary>
public sealed class SampleAppFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _directory = new("sample-app");
    private readonly string? _postgres;

    /// <param name="postgres">A PostgreSQL connection string to run the sample on instead of its SQLite default.</param>
    public SampleAppFactory(string? postgres = null) => _postgres = postgres;

    public InMemoryAuditSink Sink { get; } = new();

    public RequestTracker Requests { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        if (_postgres is null)
        {
            builder.UseSetting("ConnectionStrings:Sample", _directory.SqliteConnectionString("sample.db"));
        }
        else
        {
            builder.UseSetting("Database:Provider", "PostgreSQL");
            builder.UseSetting("ConnectionStrings:Sample", _postgres);
        }

        builder.UseSetting("AuditKit:ServerUrl", "http://127.0.0.1:9");
        builder.UseSetting("AuditKit:SpoolDirectory", _directory.File("spool"));
        builder.UseSetting("AuditKit:ServiceName", "sample-app");
        builder.ConfigureTestServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IAuditSink>(Sink));
            services.AddSingleton<IStartupFilter>(Requests);
        });
    }

    public async Task<string> LoginAsync(HttpClient client, string username, string password)
    {
        var response = await client.PostAsJsonAsync("/auth/login", new { username, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return body!.Token;
    }

    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _directory.Dispose();
        }
    }

    private sealed record TokenResponse(string Token);
}
