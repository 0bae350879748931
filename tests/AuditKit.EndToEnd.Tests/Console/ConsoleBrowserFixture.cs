namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// The real server on Kestrel at 127.0.0.1 (random port, SQLite file) and one headless Debian chromium driven by
/// Playwright, shared by the console's browser tests; each test opens its own browser context (its own cookies).
/// </summary>
public sealed class ConsoleBrowserFixture : IAsyncLifetime
{
    /// <summary>Where build/test.sh installs Debian's chromium; AUDITKIT_CHROMIUM overrides it.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("AUDITKIT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public const string Password = "correct-horse-battery";

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

        Server = await AuditKitServerHost.StartAsync();
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
    }

    /// <summary>A fresh browser context (no cookies) on the server, with short timeouts so a failure fails fast.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.Address.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Creates a console user with the bootstrap key.</summary>
    public async Task CreateConsoleUserAsync(string tenantId, string username, string role, string? password = Password)
    {
        using var admin = Server.CreateClient(AuditKitServerHost.BootstrapKey);
        var response = await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{tenantId}/console-users", new { username, password, role });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Posts one event with the ingest key and returns its id.</summary>
    public async Task<Guid> IngestAsync(string ingestKey, object body)
    {
        using var ingest = Server.CreateClient(ingestKey);
        var response = await ingest.PostAsJsonAsync("/api/v1/audit-logs", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>
    /// A new admin of <paramref name="tenantId"/> (a console user of its own) signed in on a new page, which is on the
    /// tenant's events; the page and the admin's user name.
    /// </summary>
    public async Task<(IPage Page, string Admin)> SignInNewAdminAsync(string tenantId)
    {
        var admin = Unique("ada");
        await CreateConsoleUserAsync(tenantId, admin, "admin");
        var page = await NewPageAsync();
        await SignInAsync(page, admin);
        await page.WaitForURLAsync($"**/console/{tenantId}/events");
        return (page, admin);
    }

    /// <summary>Signs in on the sign-in page as a person would.</summary>
    public static async Task SignInAsync(IPage page, string username, string password = Password)
    {
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("User name").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];
}
