namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>
/// Alert triage in a real browser: an attack ingested through the API raises an alert, a triage person follows it from
/// the queue to its evidence and back, and resolves it with a note; a read-only person sees no button. With
/// <c>AUDITKIT_CONSOLE_SCREENSHOTS</c> set to a directory, the pages are also saved there (<see cref="ConsoleScreenshots"/>).
/// </summary>
public sealed class ConsoleAlertsBrowserTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    private const string AttackerIp = "203.0.113.77";

    [Fact]
    public async Task A_triage_person_follows_an_alert_to_its_evidence_and_resolves_it_and_a_reader_sees_no_button()
    {
        var (tenant, ingestKey, readKey) = await fixture.Server.CreateTenantAsync();
        var triager = ConsoleBrowserFixture.Unique("tess");
        var reader = ConsoleBrowserFixture.Unique("rudy");
        await fixture.CreateConsoleUserAsync(tenant, triager, "triage");
        await fixture.CreateConsoleUserAsync(tenant, reader, "read");
        var now = DateTimeOffset.UtcNow;
        await fixture.IngestAsync(ingestKey, new
        {
            action = "UPDATE", resource_type = "Customer", resource_id = "c-42", user_id = "victor", ip_address = "10.20.0.5", timestamp = now.AddMinutes(-10),
            description = "customer address corrected",
            changes = new object[] { new { property = "City", old = "Lyon", @new = "Paris" }, new { property = "Iban", old = "****1234", @new = "****9876" } },
        });
        var alertId = await fixture.BruteForceAsync(ingestKey, readKey, "victor", AttackerIp, now);

        var page = await fixture.NewPageAsync();
        await ConsoleBrowserFixture.SignInAsync(page, triager);
        await page.WaitForPageAsync($"**/console/{tenant}/events");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/alerts");
        (await page.GetByLabel("Status").InputValueAsync()).ShouldBe("open");
        var row = page.Locator($"#alerts tr[data-alert='{alertId}']");
        (await row.InnerTextAsync()).ShouldContain(AttackerIp);
        await ConsoleScreenshots.TakeAsync(page, "alerts");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/alerts/{alertId}");
        (await page.Locator("#alert-status").InnerTextAsync()).ShouldBe("open");
        var evidence = page.Locator("#evidence a");
        (await evidence.CountAsync()).ShouldBe(5);
        await ConsoleScreenshots.TakeAsync(page, "alert");

        await evidence.First.ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/events/*");
        (await page.Locator("dd[data-field='action']").InnerTextAsync()).ShouldBe("LOGIN_FAILED");
        (await page.Locator("dd[data-field='ip_address']").InnerTextAsync()).ShouldBe(AttackerIp);

        // The actor's page, one click from the event: the failed sign-ins and the IP they came from.
        await page.Locator("#user-link").ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/users/victor");
        (await page.Locator("#failed-sign-ins tbody tr").CountAsync()).ShouldBe(5);
        (await page.Locator($"#ip-history tr[data-ip='{AttackerIp}']").InnerTextAsync()).ShouldContain("5");
        await ConsoleScreenshots.TakeAsync(page, "user");
        await page.GoBackAsync();
        await page.GoBackAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/alerts/{alertId}");

        await page.GetByLabel("Note").FillAsync("Blocked the address at the firewall");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/alerts/{alertId}");
        (await page.Locator("#alert-status").InnerTextAsync()).ShouldBe("resolved");
        (await page.Locator("#resolved-note").InnerTextAsync()).ShouldBe("Blocked the address at the firewall");
        (await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).CountAsync()).ShouldBe(0);

        // Resolved alerts leave the default queue.
        await page.GetByRole(AriaRole.Link, new() { Name = "← Alerts" }).ClickAsync();
        (await page.Locator($"#alerts tr[data-alert='{alertId}']").CountAsync()).ShouldBe(0);

        var readOnly = await fixture.NewPageAsync();
        await ConsoleBrowserFixture.SignInAsync(readOnly, reader);
        await readOnly.WaitForPageAsync($"**/console/{tenant}/events");
        await readOnly.OpenAsync($"/console/{tenant}/alerts/{alertId}");
        (await readOnly.Locator("#alert-status").InnerTextAsync()).ShouldBe("resolved");
        (await readOnly.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).CountAsync()).ShouldBe(0);
        (await readOnly.Locator("#triage").CountAsync()).ShouldBe(0);

        if (ConsoleScreenshots.Enabled)
        {
            await page.OpenAsync($"/console/{tenant}/resources/Customer/c-42");
            (await page.Locator("#history tr[data-property='Iban'] .masked-tag").CountAsync()).ShouldBe(2);
            await ConsoleScreenshots.TakeAsync(page, "resource");
        }
    }
}
