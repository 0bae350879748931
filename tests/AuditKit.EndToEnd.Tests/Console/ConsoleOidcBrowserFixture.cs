namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// A real OpenID provider (<see cref="OpenIddictTestProvider"/>, its user holding <c>acme:read</c>), the real server on
/// Kestrel at 127.0.0.1 signing console users in through it, and one headless Debian chromium driven by Playwright.
/// </summary>
public sealed class ConsoleOidcBrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public OpenIddictTestProvider Provider { get; private set; } = null!;

    public AuditKitServerHost Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ConsoleBrowserFixture.ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The console browser tests need chromium at {ConsoleBrowserFixture.ChromiumPath}. Install Debian's package " +
                "(as root: apt-get install -y --no-install-recommends chromium; bash build/test.sh does it) or set AUDITKIT_CHROMIUM.");
        }

        Provider = await OpenIddictTestProvider.StartAsync("acme:read");
        Server = await AuditKitServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["AuditKit:Console:Oidc:Authority"] = Provider.Address.ToString(),
            ["AuditKit:Console:Oidc:ClientId"] = OpenIddictTestProvider.ClientId,
        });
        await Provider.RegisterConsoleAsync(Server.Address);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ConsoleBrowserFixture.ChromiumPath,
            Headless = true,
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

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }
    }

    /// <summary>A fresh browser context (no cookies) on the server, with short timeouts so a failure fails fast.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.Address.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }
}
