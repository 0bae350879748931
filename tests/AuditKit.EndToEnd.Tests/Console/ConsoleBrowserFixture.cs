namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// The real server on Kestrel at 127.0.0.1 (random port, SQLite file) and one headless Debian chromium driven by
/// Playwright, shared by the console's browser tests; each test opens its own browser context (its own cookies).
/// </summary>
public sealed class ConsoleBrowserFixture : ConsoleBrowserFixtureBase
{
    public const string Password = "correct-horse-battery";

    protected override Task<AuditKitServerHost> StartServerAsync() => AuditKitServerHost.StartAsync();

    /// <summary>Creates a console user with the bootstrap key.</summary>
    public async Task CreateConsoleUserAsync(string tenantId, string username, string role, string? password = Password)
    {
        using var admin = Server.CreateClient(AuditKitServerHost.BootstrapKey);
        var response = await admin.PostAsJsonAsync($"/api/v1/admin/tenants/{tenantId}/console-users", new { username, password, role });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Five failed sign-ins of <paramref name="userId"/> from <paramref name="attackerIp"/> in the five seconds before
    /// <paramref name="now"/>, then waits (detection runs after the batch is stored) for the brute force alert on the
    /// address; its id.
    /// </summary>
    public async Task<Guid> BruteForceAsync(string ingestKey, string readKey, string userId, string attackerIp, DateTimeOffset now)
    {
        for (var i = 0; i < 5; i++)
        {
            await IngestAsync(ingestKey, new
            {
                action = "LOGIN_FAILED", status = "FAILURE", severity = "HIGH", user_id = userId, ip_address = attackerIp,
                timestamp = now.AddSeconds(i - 5), description = "wrong password",
            });
        }

        using var read = Server.CreateClient(readKey);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var alerts = await read.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?rule=brute_force&key={attackerIp}");
            if (alerts.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } alert)
            {
                return alert.GetProperty("id").GetGuid();
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "no brute force alert was raised within 30 seconds");
            await Task.Delay(200);
        }
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
        await page.WaitForPageAsync($"**/console/{tenantId}/events");
        return (page, admin);
    }

    /// <summary>Signs in on the sign-in page as a person would.</summary>
    public static async Task SignInAsync(IPage page, string username, string password = Password)
    {
        await page.OpenAsync("/console/sign-in");
        await page.GetByLabel("User name").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];
}
