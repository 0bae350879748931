extern alias sample;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AuditKit.EndToEnd.Tests;

/// <summary>
/// The sample-app as shipped (its own SQLite file), forwarding its audit events through the real delivery pipeline
/// to <see cref="AuditKitServerHost"/> with a tenant's ingest key, configured the documented way: section AuditKit.
/// </summary>
public sealed class SampleAppHost : WebApplicationFactory<sample::Program>
{
    private readonly TempDirectory _directory = new("auditkit-e2e-sample");
    private readonly Uri _serverUrl;
    private readonly string _apiKey;
    private readonly IReadOnlyDictionary<string, string> _settings;

    public SampleAppHost(Uri serverUrl, string apiKey, IReadOnlyDictionary<string, string>? settings = null)
    {
        _serverUrl = serverUrl;
        _apiKey = apiKey;
        _settings = settings ?? new Dictionary<string, string>();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Sample", _directory.SqliteConnectionString("sample.db"));
        builder.UseSetting("AuditKit:ServerUrl", _serverUrl.ToString());
        builder.UseSetting("AuditKit:ApiKey", _apiKey);
        builder.UseSetting("AuditKit:ServiceName", "sample-app");
        builder.UseSetting("AuditKit:ServiceVersion", "e2e");
        builder.UseSetting("AuditKit:SpoolDirectory", _directory.File("spool"));
        builder.UseSetting("AuditKit:Delivery:Linger", "00:00:00.050");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _directory.Dispose();
        }
    }
}
