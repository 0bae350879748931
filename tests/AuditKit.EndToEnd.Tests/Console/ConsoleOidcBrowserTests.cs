namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// The whole OpenID Connect sign-in in a real browser: the console sends the person to a real provider (OpenIddict),
/// who signs in on the provider's login form; the authorization code flow with PKCE brings them back signed in with
/// the provider's <c>auditkit_roles</c> grant (<c>acme:read</c>), and nothing more.
/// </summary>
public sealed class ConsoleOidcBrowserTests(ConsoleOidcBrowserFixture fixture) : IClassFixture<ConsoleOidcBrowserFixture>
{
    [Fact]
    public async Task A_person_signs_in_at_the_provider_and_sees_acme_and_nothing_of_another_tenant()
    {
        var acme = await CreateTenantAsync("acme");
        var globex = await CreateTenantAsync("globex");
        await fixture.IngestAsync(acme.IngestKey, new { action = "EXPORT", user_id = "bob", description = "acme payroll exported" });
        var secret = await fixture.IngestAsync(globex.IngestKey, new { action = "DELETE", resource_type = "Contract", description = "globex contract deleted" });

        var page = await fixture.NewPageAsync();
        await page.OpenAsync("/console");

        // The console sends the browser to the provider's authorization endpoint (code flow, PKCE), which asks for a login.
        await page.WaitForPageAsync(fixture.Provider.Address + "login**");
        var authorize = Uri.UnescapeDataString(new Uri(page.Url).Query);
        authorize.ShouldContain("response_type=code");
        authorize.ShouldContain("code_challenge_method=S256");
        authorize.ShouldContain("client_id=" + OpenIddictTestProvider.ClientId);

        await page.GetByLabel("Provider user name").FillAsync(OpenIddictTestProvider.Username);
        await page.GetByLabel("Provider password").FillAsync(OpenIddictTestProvider.Password);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Log in to the provider" }).ClickAsync();

        // Back on the console, signed in, on acme's events.
        await page.WaitForPageAsync($"{fixture.Server.Address}console/acme/events", 30_000);
        (await page.Locator("#events").InnerTextAsync()).ShouldContain("acme payroll exported");
        (await page.Locator("#tenant-switcher option").AllInnerTextsAsync()).ShouldBe(["acme (read)"]);
        (await page.ContentAsync()).ShouldContain("olivia");
        fixture.Provider.CodesIssued.ShouldBeGreaterThanOrEqualTo(1);

        // Another tenant is not found, on every page, and its data never shows.
        string[] pagesOfGlobex = ["/console/globex/events", $"/console/globex/events/{secret}", $"/console/acme/events/{secret}", "/console?tenant=globex", "/console/globex/admin"];
        foreach (var path in pagesOfGlobex)
        {
            var response = await page.OpenAsync(path);
            response!.Status.ShouldBe(404, path);
            (await page.ContentAsync()).ShouldNotContain("globex contract deleted", customMessage: path);
        }

        // Nor may a read person open acme's Admin pages.
        (await page.OpenAsync("/console/acme/admin/keys"))!.Status.ShouldBe(404);

        // The sign-in and the page view are recorded in acme's log under the provider's subject.
        var events = await fixture.Server.ListAsync(acme.ReadKey);
        var person = events.Where(e => e.UserId == "oidc:" + OpenIddictTestProvider.Subject).ToList();
        person.ShouldContain(e => e.Action == "LOGIN" && e.Category == "console");
        person.ShouldContain(e => e.Action == "READ" && e.ResourceType == "AuditEvent");
        (await fixture.Server.ListAsync(globex.ReadKey)).ShouldNotContain(e => e.UserId == "oidc:" + OpenIddictTestProvider.Subject);
    }

    [Fact]
    public async Task A_wrong_password_at_the_provider_does_not_sign_in_to_the_console()
    {
        var page = await fixture.NewPageAsync();
        await page.OpenAsync("/console");
        await page.WaitForPageAsync(fixture.Provider.Address + "login**");

        await page.GetByLabel("Provider user name").FillAsync(OpenIddictTestProvider.Username);
        await page.GetByLabel("Provider password").FillAsync("not-the-password");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Log in to the provider" }).ClickAsync();

        (await page.Locator("#provider-error").InnerTextAsync()).ShouldContain("Wrong name or password");
        (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "__Host-auditkit-console");
        var console = await page.OpenAsync(fixture.Server.Address + "console/acme/events");
        page.Url.ShouldStartWith(fixture.Provider.Address.ToString(), customMessage: "still not signed in: sent to the provider again");
        console!.Ok.ShouldBeTrue();
    }

    private async Task<(string Id, string IngestKey, string ReadKey)> CreateTenantAsync(string id)
    {
        using var admin = fixture.Server.CreateClient(AuditKitServerHost.BootstrapKey);
        var created = await admin.PostAsJsonAsync("/api/v1/admin/tenants", new { id, name = id });
        if (created.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            created.EnsureSuccessStatusCode();
        }

        return (id, await AuditKitServerHost.CreateKeyAsync(admin, id, "ingest"), await AuditKitServerHost.CreateKeyAsync(admin, id, "read"));
    }
}
