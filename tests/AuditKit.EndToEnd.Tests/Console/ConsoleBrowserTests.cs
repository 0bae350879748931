using System.Text.RegularExpressions;

namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>The console in a real browser (headless chromium) against the real server on Kestrel and SQLite.</summary>
public sealed partial class ConsoleBrowserTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    [Fact]
    public async Task Signing_in_shows_the_tenants_events_and_five_wrong_passwords_lock_the_user()
    {
        var (tenant, ingestKey, _) = await fixture.Server.CreateTenantAsync();
        var user = ConsoleBrowserFixture.Unique("alice");
        await fixture.CreateConsoleUserAsync(tenant, user, "read");
        await fixture.IngestAsync(ingestKey, new { action = "EXPORT", user_id = "bob", description = "payroll exported to csv" });

        var page = await fixture.NewPageAsync();
        if (ConsoleScreenshots.Enabled)
        {
            await page.OpenAsync("/console/sign-in");
            await page.GetByLabel("User name").FillAsync(user);
            await ConsoleScreenshots.TakeAsync(page, "sign-in");
        }

        await ConsoleBrowserFixture.SignInAsync(page, user);
        await page.WaitForPageAsync($"**/console/{tenant}/events");
        (await page.Locator("#events").InnerTextAsync()).ShouldContain("payroll exported to csv");
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "__Host-auditkit-console");
        session.Secure.ShouldBeTrue();
        session.HttpOnly.ShouldBeTrue();
        session.SameSite.ShouldBe(SameSiteAttribute.Strict);

        var locked = ConsoleBrowserFixture.Unique("victim");
        await fixture.CreateConsoleUserAsync(tenant, locked, "read");
        var attacker = await fixture.NewPageAsync();
        for (var i = 1; i <= 5; i++)
        {
            await ConsoleBrowserFixture.SignInAsync(attacker, locked, "guess-" + i);
            var message = await attacker.Locator("#sign-in-error").InnerTextAsync();
            message.ShouldContain(i < 5 ? "not right" : "locked");
        }

        await ConsoleBrowserFixture.SignInAsync(attacker, locked);
        (await attacker.Locator("#sign-in-error").InnerTextAsync()).ShouldContain("locked");
        attacker.Url.ShouldEndWith("/console/sign-in");
    }

    [Fact]
    public async Task Searching_events_and_opening_one_shows_its_change_with_masked_values_marked()
    {
        var (tenant, ingestKey, _) = await fixture.Server.CreateTenantAsync();
        var user = ConsoleBrowserFixture.Unique("carol");
        await fixture.CreateConsoleUserAsync(tenant, user, "triage");
        await fixture.IngestAsync(ingestKey, new { action = "READ", resource_type = "Customer", resource_id = "c-1", description = "customer list viewed" });
        await fixture.IngestAsync(ingestKey, new
        {
            action = "UPDATE",
            resource_type = "Customer",
            resource_id = "c-42",
            user_id = "alice",
            description = "customer address corrected",
            changes = new object[]
            {
                new { property = "City", old = "Lyon", @new = "Paris" },
                new { property = "Ssn", old = "*******1234", @new = "*******6789" },
            },
        });

        var page = await fixture.NewPageAsync();
        await ConsoleBrowserFixture.SignInAsync(page, user);
        await page.WaitForPageAsync($"**/console/{tenant}/events");

        await page.GetByLabel("Search").FillAsync("address");
        await page.GetByLabel("Action").FillAsync("UPDATE");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.WaitForPageAsync(UrlWithSearch());
        var rows = page.Locator("#events tbody tr");
        (await rows.CountAsync()).ShouldBe(1);
        (await rows.First.InnerTextAsync()).ShouldContain("customer address corrected");
        await ConsoleScreenshots.TakeAsync(page, "events");

        await rows.First.GetByRole(AriaRole.Link).First.ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/events/*");
        (await page.Locator("dd[data-field='resource_id']").InnerTextAsync()).ShouldBe("c-42");
        var city = page.Locator("#changes tr[data-property='City']");
        (await city.InnerTextAsync()).ShouldContain("Lyon");
        (await city.InnerTextAsync()).ShouldContain("Paris");
        (await city.Locator(".masked-tag").CountAsync()).ShouldBe(0);
        (await page.Locator("#changes tr[data-property='Ssn'] .masked-tag").CountAsync()).ShouldBe(2);
        await ConsoleScreenshots.TakeAsync(page, "event");

        // The chain of what was just read verifies from the Integrity page.
        await page.GetByRole(AriaRole.Link, new() { Name = "Integrity" }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/integrity");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain now" }).ClickAsync();
        (await page.Locator("#verify-result").InnerTextAsync()).ShouldContain("The chain verifies");
        await ConsoleScreenshots.TakeAsync(page, "integrity");
    }

    [Fact]
    public async Task A_person_of_tenant_a_sees_nothing_of_tenant_b_on_any_page()
    {
        var (tenantA, ingestA, _) = await fixture.Server.CreateTenantAsync();
        var (tenantB, ingestB, _) = await fixture.Server.CreateTenantAsync();
        await fixture.IngestAsync(ingestA, new { action = "LOGIN", user_id = "a-user", description = "tenant a sign-in" });
        var secret = await fixture.IngestAsync(ingestB, new { action = "DELETE", resource_type = "Contract", resource_id = "b-secret", description = "tenant b secret" });
        var user = ConsoleBrowserFixture.Unique("dave");
        await fixture.CreateConsoleUserAsync(tenantA, user, "admin");

        var page = await fixture.NewPageAsync();
        await ConsoleBrowserFixture.SignInAsync(page, user);
        await page.WaitForPageAsync($"**/console/{tenantA}/events");
        var switcher = await page.Locator("#tenant-switcher option").AllInnerTextsAsync();
        switcher.ShouldBe([$"{tenantA} (admin)"]);

        string[] pagesOfB =
        [
            $"/console/{tenantB}/events",
            $"/console/{tenantB}/events?q=secret&range=all",
            $"/console/{tenantB}/events/{secret}",
            $"/console/{tenantA}/events/{secret}",
            $"/console?tenant={tenantB}",
        ];
        foreach (var path in pagesOfB)
        {
            var response = await page.OpenAsync(path);
            response!.Status.ShouldBe(404, path);
            (await page.ContentAsync()).ShouldNotContain("tenant b secret", customMessage: path);
        }
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        var (tenant, _, _) = await fixture.Server.CreateTenantAsync();
        var user = ConsoleBrowserFixture.Unique("erin");
        await fixture.CreateConsoleUserAsync(tenant, user, "read");
        var page = await fixture.NewPageAsync();
        await ConsoleBrowserFixture.SignInAsync(page, user);
        await page.WaitForPageAsync($"**/console/{tenant}/events");

        // The signed-in browser's own cookies, but a form without the token (as a forged cross-site form would be).
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("returnUrl", "/console");
        var forged = await page.Context.APIRequest.PostAsync(fixture.Server.Address + "console/sign-out", new() { Form = form, MaxRedirects = 0 });
        forged.Status.ShouldBe(400);
        (await page.OpenAsync($"/console/{tenant}/events"))!.Status.ShouldBe(200, "the session survived the forged sign-out");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForPageAsync("**/console/sign-in");
        await page.OpenAsync($"/console/{tenant}/events");
        page.Url.ShouldContain("/console/sign-in");
    }

    [GeneratedRegex(@"q=address")]
    private static partial Regex UrlWithSearch();
}
