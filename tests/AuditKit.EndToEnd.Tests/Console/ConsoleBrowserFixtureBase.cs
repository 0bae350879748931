namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// The real server on Kestrel at 127.0.0.1 and one headless Debian chromium driven by Playwright, shared by a class of
/// console browser tests; each test opens its own browser context (its own cookies). A fixture says how its server
/// starts (<see cref="StartServerAsync"/>) and what else it stops (<see cref="DisposeMoreAsync"/>).
/// </summary>
public abstract class ConsoleBrowserFixtureBase : IAsyncLifetime
{
    /// <summary>Where build/test.sh installs Debian's chromium; AUDITKIT_CHROMIUM overrides it.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("AUDITKIT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public AuditKitServerHost Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The console browser tests need chromium at {ChromiumPath}. Install Debian's package " +
                "(as root: apt-get install -y --no-install-recommends chromium; bash build/test.sh does it) or set AUDITKIT_CHROMIUM.");
        }

        Server = await StartServerAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,

            // The sandbox needs user namespaces, which containers and root often lack.
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        await DisposeMoreAsync();
    }

    /// <summary>Posts one event with the ingest key and returns its id.</summary>
    public async Task<Guid> IngestAsync(string ingestKey, object body)
    {
        using var ingest = Server.CreateClient(ingestKey);
        var response = await ingest.PostAsJsonAsync("/api/v1/audit-logs", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>A fresh browser context (no cookies) on the server, with short timeouts so a failure fails fast.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.Address.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Starts the server the browser talks to (and whatever it needs first).</summary>
    protected abstract Task<AuditKitServerHost> StartServerAsync();

    /// <summary>Stops what <see cref="StartServerAsync"/> started besides the server; nothing by default.</summary>
    protected virtual Task DisposeMoreAsync() => Task.CompletedTask;
}
