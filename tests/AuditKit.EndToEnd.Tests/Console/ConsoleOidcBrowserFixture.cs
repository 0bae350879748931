namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// A real OpenID provider (<see cref="OpenIddictTestProvider"/>, its user holding <c>acme:read</c>), the real server on
/// Kestrel at 127.0.0.1 signing console users in through it, and one headless Debian chromium driven by Playwright.
/// </summary>
public sealed class ConsoleOidcBrowserFixture : ConsoleBrowserFixtureBase
{
    public OpenIddictTestProvider Provider { get; private set; } = null!;

    protected override async Task<AuditKitServerHost> StartServerAsync()
    {
        Provider = await OpenIddictTestProvider.StartAsync("acme:read");
        var server = await AuditKitServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["AuditKit:Console:Oidc:Authority"] = Provider.Address.ToString(),
            ["AuditKit:Console:Oidc:ClientId"] = OpenIddictTestProvider.ClientId,
        });
        await Provider.RegisterConsoleAsync(server.Address);
        return server;
    }

    protected override async Task DisposeMoreAsync()
    {
        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }
    }
}
