using System.Security.Cryptography;

namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>The console's Admin pages in a real browser (headless chromium) against the real server on Kestrel and SQLite.</summary>
public sealed class ConsoleAdminBrowserTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    [Fact]
    public async Task An_admin_creates_a_key_sees_it_once_and_revokes_it_after_confirming()
    {
        var (tenant, _, readKey) = await fixture.Server.CreateTenantAsync();
        var (page, user) = await fixture.SignInNewAdminAsync(tenant);

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/admin");
        (await page.Locator("#tenant-settings").InnerTextAsync()).ShouldContain(tenant);
        await ConsoleScreenshots.TakeAsync(page, "admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/admin/keys");

        await page.GetByLabel("Role").SelectOptionAsync("read");
        await page.GetByLabel("Name (optional)").FillAsync("dashboards");
        var created = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync(), r => r.Url.Contains("handler=Create", StringComparison.Ordinal));
        (await created.HeaderValueAsync("cache-control"))!.ShouldContain("no-store");
        var key = await page.GetByLabel("API key").InputValueAsync();
        key.ShouldNotBeNullOrEmpty();

        // The picture shows this throwaway server's key, which the test revokes below.
        await ConsoleScreenshots.TakeAsync(page, "admin-keys");
        using (var withKey = fixture.Server.CreateClient(key))
        {
            (await withKey.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        }

        (await fixture.Server.StoredDataContainsAsync(key)).ShouldBeFalse("only the key's hash is stored");

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the keys" }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/admin/keys");
        (await page.ContentAsync()).ShouldNotContain(key, customMessage: "the key is shown once");
        var row = page.Locator("#keys tbody tr", new() { HasText = "dashboards" });
        (await row.InnerTextAsync()).ShouldContain("live");

        await row.GetByRole(AriaRole.Button).ClickAsync();
        (await page.Locator("#confirm-revoke").InnerTextAsync()).ShouldContain("cannot be undone");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Revoke key") }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/admin/keys");
        (await page.Locator("#keys tbody tr", new() { HasText = "dashboards" }).InnerTextAsync()).ShouldContain("revoked");
        using (var revoked = fixture.Server.CreateClient(key))
        {
            (await revoked.GetAsync("/api/v1/audit-logs")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
        }

        var events = await fixture.Server.ListAsync(readKey);
        var changes = events.Where(e => e.UserId == "local:" + user && e.ResourceType == "ApiKey" && e.Action != "READ").Select(e => e.Action).ToList();
        changes.ShouldBe(["CREATE", "DELETE"], ignoreOrder: true);
    }

    [Fact]
    public async Task An_admin_creates_a_console_user_who_can_sign_in_and_revokes_the_role()
    {
        var (tenant, _, _) = await fixture.Server.CreateTenantAsync();
        var (page, _) = await fixture.SignInNewAdminAsync(tenant);
        await page.OpenAsync($"/console/{tenant}/admin/users");

        var newcomer = ConsoleBrowserFixture.Unique("nell");
        await page.GetByLabel("User name").FillAsync(newcomer);
        await page.GetByLabel("Password (new users only)").FillAsync("a-long-enough-password");
        await page.GetByLabel("Role in this tenant").SelectOptionAsync("triage");

        // Submitted from the keyboard: Enter in a field of the form.
        await page.GetByLabel("User name").PressAsync("Enter");
        (await page.Locator("#done").InnerTextAsync()).ShouldContain($"{newcomer} created with role triage");
        (await page.Locator($"#users tr[data-username='{newcomer}']").InnerTextAsync()).ShouldContain("triage");
        await ConsoleScreenshots.TakeAsync(page, "admin-users");

        var person = await fixture.NewPageAsync();
        await ConsoleBrowserFixture.SignInAsync(person, newcomer, "a-long-enough-password");
        await person.WaitForPageAsync($"**/console/{tenant}/events");
        (await person.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Admin" }).CountAsync()).ShouldBe(0);
        (await person.OpenAsync($"/console/{tenant}/admin/users"))!.Status.ShouldBe(404);

        await page.Locator($"#users tr[data-username='{newcomer}']").GetByRole(AriaRole.Button).ClickAsync();
        await page.Locator("#revoke-confirm").ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/admin/users");
        (await page.Locator($"#users tr[data-username='{newcomer}']").CountAsync()).ShouldBe(0);

        // A new sign-in no longer reaches the tenant.
        var again = await fixture.NewPageAsync();
        await ConsoleBrowserFixture.SignInAsync(again, newcomer, "a-long-enough-password");
        (await again.OpenAsync($"/console/{tenant}/events"))!.Status.ShouldBe(404);
    }

    [Fact]
    public async Task The_webhooks_page_names_why_a_webhook_cannot_be_added()
    {
        var (tenant, _, _) = await fixture.Server.CreateTenantAsync();
        var (page, _) = await fixture.SignInNewAdminAsync(tenant);
        await page.OpenAsync($"/console/{tenant}/admin/webhooks");

        await page.GetByLabel("URL").FillAsync("https://hooks.example.com/auditkit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();

        // This server has no webhook secret key: the API's refusal is shown, and nothing is added.
        (await page.Locator("#form-errors").InnerTextAsync()).ShouldContain("SecretKey");
        (await page.Locator("#webhooks").CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task An_admin_adds_a_webhook_sees_its_secret_once_and_deletes_it_after_confirming()
    {
        // A server of its own: the shared one has no webhook secret key (see the test above).
        await using var server = await AuditKitServerHost.StartAsync(new Dictionary<string, string?>
        {
            ["AuditKit:Webhooks:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        var (tenant, _, readKey) = await server.CreateTenantAsync();
        var admin = ConsoleBrowserFixture.Unique("ada");
        using (var bootstrap = server.CreateClient(AuditKitServerHost.BootstrapKey))
        {
            (await bootstrap.PostAsJsonAsync($"/api/v1/admin/tenants/{tenant}/console-users", new { username = admin, password = ConsoleBrowserFixture.Password, role = "admin" }))
                .EnsureSuccessStatusCode();
        }

        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await ConsoleBrowserFixture.SignInAsync(page, admin);
        await page.WaitForPageAsync($"**/console/{tenant}/events");
        await page.OpenAsync($"/console/{tenant}/admin/webhooks");

        await page.GetByLabel("URL").FillAsync("https://hooks.example.com/auditkit");
        await page.GetByLabel("Minimum severity").SelectOptionAsync("HIGH");
        await page.GetByLabel("Description (optional)").FillAsync("on-call pager");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();
        var secret = await page.GetByLabel("Signing secret").InputValueAsync();
        secret.ShouldNotBeNullOrEmpty();
        (await server.StoredDataContainsAsync(secret)).ShouldBeFalse("the secret is stored encrypted only");

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the webhooks" }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/admin/webhooks");
        (await page.ContentAsync()).ShouldNotContain(secret, customMessage: "the secret is shown once");
        var row = page.Locator("#webhooks tbody tr", new() { HasText = "on-call pager" });
        (await row.InnerTextAsync()).ShouldContain("HIGH");
        await ConsoleScreenshots.TakeAsync(page, "admin-webhooks");

        await row.GetByRole(AriaRole.Button).ClickAsync();
        (await page.Locator("#confirm-delete").InnerTextAsync()).ShouldContain("cannot be undone");
        await page.Locator("#delete-confirm").ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/admin/webhooks");
        (await page.Locator("#webhooks").CountAsync()).ShouldBe(0);

        var events = await server.ListAsync(readKey);
        var changes = events.Where(e => e.UserId == "local:" + admin && e.ResourceType == "Webhook" && e.Action != "READ").Select(e => e.Action).ToList();
        changes.ShouldBe(["CREATE", "DELETE"], ignoreOrder: true);
    }
}
