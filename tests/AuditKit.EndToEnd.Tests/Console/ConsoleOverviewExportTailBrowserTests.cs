namespace AuditKit.EndToEnd.Tests.Console;

/// <summary>The Overview charts, the Events page's Export and the live tail in a real browser (headless chromium).</summary>
public sealed class ConsoleOverviewExportTailBrowserTests(ConsoleBrowserFixture fixture) : IClassFixture<ConsoleBrowserFixture>
{
    [Fact]
    public async Task The_overview_draws_its_charts_the_export_downloads_the_filter_and_the_tail_shows_new_events_live()
    {
        var (tenant, ingestKey, _) = await fixture.Server.CreateTenantAsync();
        var user = ConsoleBrowserFixture.Unique("opal");
        await fixture.CreateConsoleUserAsync(tenant, user, "read");
        await fixture.IngestAsync(ingestKey, new { action = "UPDATE", resource_type = "Invoice", resource_id = "in-1", user_id = "alice", severity = "HIGH", description = "invoice total changed" });
        await fixture.IngestAsync(ingestKey, new { action = "LOGIN_FAILED", user_id = "mallory", status = "FAILURE", description = "bad password" });

        var page = await fixture.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        await ConsoleBrowserFixture.SignInAsync(page, user);
        await page.WaitForPageAsync($"**/console/{tenant}/events");

        // Overview: every chart is an accessible image with its data table.
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/overview");
        (await page.GetByRole(AriaRole.Img, new() { Name = "Events per hour by severity, last 24 hours (UTC)" }).CountAsync()).ShouldBe(1);
        (await page.GetByRole(AriaRole.Img, new() { Name = "Top actions" }).IsVisibleAsync()).ShouldBeTrue();
        (await page.Locator("#chart-users g[data-label='alice']").GetAttributeAsync("data-count")).ShouldBe("1");
        (await page.Locator("#chart-failed-users g[data-label='mallory']").GetAttributeAsync("data-count")).ShouldBe("1");
        var box = await page.Locator("#chart-hourly rect.sev-fill-HIGH").First.BoundingBoxAsync();
        box.ShouldNotBeNull();
        box.Height.ShouldBeGreaterThan(0);
        await ConsoleScreenshots.TakeAsync(page, "overview");
        await page.GetByText("Top actions as a table").ClickAsync();
        (await page.Locator("#chart-actions-table").InnerTextAsync()).ShouldContain("UPDATE");

        // Export of the current filter, from the Events page, with the keyboard.
        await page.GetByRole(AriaRole.Link, new() { Name = "Events" }).ClickAsync();
        await page.GetByLabel("Action").FillAsync("UPDATE");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.WaitForPageAsync("**action=UPDATE**");
        await page.GetByLabel("Export format").SelectOptionAsync("csv");
        var download = await page.RunAndWaitForDownloadAsync(async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Export every match" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
        });
        download.SuggestedFilename.ShouldEndWith(".csv");
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        csv.ShouldContain("invoice total changed");
        csv.ShouldNotContain("bad password");

        // Live tail: the script connects, and an event ingested afterwards appears at the top without a reload.
        await page.GetByRole(AriaRole.Link, new() { Name = "Live tail" }).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/events/tail");
        await page.Locator("#tail[data-live='true']").WaitForAsync();
        (await page.Locator("#tail tbody").InnerTextAsync()).ShouldContain("bad password");
        var id = await fixture.IngestAsync(ingestKey, new { action = "DELETE", resource_type = "Invoice", resource_id = "in-9", description = "invoice deleted live" });
        var row = page.Locator($"#tail tbody tr[data-id='{id}']");
        await row.WaitForAsync();
        (await row.InnerTextAsync()).ShouldContain("invoice deleted live");
        (await page.Locator("#tail tbody tr").First.GetAttributeAsync("data-id")).ShouldBe(id.ToString());
        (await page.Locator("#tail-status").InnerTextAsync()).ShouldContain("Live");
        await ConsoleScreenshots.TakeAsync(page, "tail");
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForPageAsync($"**/console/{tenant}/events/{id}");

        violations.ShouldBeEmpty();
    }
}
