namespace AuditKit.Server.Tests.Console;

/// <summary>The User and Resource pages: the user activity, IP history, failed authentication and resource history queries.</summary>
public sealed partial class ConsoleUserResourcePagesTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task The_user_page_shows_the_timeline_keyset_paged_the_ip_history_and_failed_sign_ins()
    {
        var tenant = await server.CreateTenantAsync();
        var now = server.Time.GetUtcNow();
        for (var i = 0; i < 53; i++)
        {
            await IngestAsync(tenant, new { action = "READ", resource_type = "Report", resource_id = $"r-{i}", user_id = "olga", ip_address = i < 50 ? "10.0.0.1" : "10.0.0.2", timestamp = now.AddMinutes(-100 + i) });
        }

        await IngestAsync(tenant, new { action = "LOGIN_FAILED", status = "FAILURE", user_id = "olga", ip_address = "10.0.0.3", description = "wrong password at the kiosk", timestamp = now.AddMinutes(-1) });
        await IngestAsync(tenant, new { action = "LOGIN_FAILED", status = "FAILURE", user_id = "pete", ip_address = "10.0.0.4", description = "pete's failure", timestamp = now.AddMinutes(-1) });
        using var session = await ConsoleSession.SignInNewUserAsync(server, tenant.Id, "read", Password);

        var first = await session.ReadPageAsync($"/console/{tenant.Id}/users/olga");
        var timeline = Section(first, "timeline");
        Rows(timeline).ShouldBe(50);
        timeline.IndexOf("wrong password at the kiosk", StringComparison.Ordinal).ShouldBeLessThan(timeline.IndexOf(">Report r-52<", StringComparison.Ordinal), "newest first");
        first.ShouldNotContain("pete");
        var ips = Section(first, "ip-history");
        Rows(ips).ShouldBe(3);
        ips.ShouldContain("<tr data-ip=\"10.0.0.1\"><td>10.0.0.1</td><td>50</td>");
        ips.IndexOf("10.0.0.3", StringComparison.Ordinal).ShouldBeLessThan(ips.IndexOf("10.0.0.2", StringComparison.Ordinal), "most recently seen first");
        var failed = Section(first, "failed-sign-ins");
        Rows(failed).ShouldBe(1);
        failed.ShouldContain("wrong password at the kiosk");
        first.ShouldContain("No alert names this user.");

        var next = NextPattern().Match(first).Groups[1].Value;
        next.ShouldContain("cursor=");
        var second = await session.ReadPageAsync(WebUtility.HtmlDecode(next));
        Rows(Section(second, "timeline")).ShouldBe(4);
        second.ShouldContain(">Report r-0<");
        second.ShouldNotContain("id=\"next-page\"");

        var bad = await session.ReadPageAsync($"/console/{tenant.Id}/users/olga?cursor=not-a-cursor");
        bad.ShouldContain("id=\"filter-errors\"");
        bad.ShouldContain("cursor:");

        // Linked from the events list and the event detail.
        (await session.ReadPageAsync($"/console/{tenant.Id}/events?actor=pete")).ShouldContain($"href=\"/console/{tenant.Id}/users/pete\"");
    }

    [Fact]
    public async Task The_resource_page_shows_each_change_as_an_old_new_table_with_masked_values_marked()
    {
        var tenant = await server.CreateTenantAsync();
        var now = server.Time.GetUtcNow();
        var created = await IngestAsync(tenant, new
        {
            action = "CREATE", resource_type = "Customer", resource_id = "c-7", user_id = "quinn", timestamp = now.AddMinutes(-3),
            new_values = new { Email = "a@example.com", Ssn = "*******6789" },
        });
        var updated = await IngestAsync(tenant, new
        {
            action = "UPDATE", resource_type = "Customer", resource_id = "c-7", user_id = "rosa", timestamp = now.AddMinutes(-2),
            changes = new object[] { new { property = "Email", old = "a@example.com", @new = "b@example.com" } },
        });
        await IngestAsync(tenant, new { action = "UPDATE", resource_type = "Customer", resource_id = "c-8", user_id = "rosa", description = "another customer" });
        using var session = await ConsoleSession.SignInNewUserAsync(server, tenant.Id, "read", Password);

        var detail = await session.ReadPageAsync($"/console/{tenant.Id}/events/{updated}");
        detail.ShouldContain($"href=\"/console/{tenant.Id}/resources/Customer/c-7\"");
        detail.ShouldContain($"href=\"/console/{tenant.Id}/users/rosa\"");

        var page = await session.ReadPageAsync($"/console/{tenant.Id}/resources/Customer/c-7");
        page.ShouldNotContain("another customer");
        page.IndexOf($"data-event=\"{updated}\"", StringComparison.Ordinal).ShouldBeLessThan(page.IndexOf($"data-event=\"{created}\"", StringComparison.Ordinal), "newest first");
        var creation = page[page.IndexOf($"data-event=\"{created}\"", StringComparison.Ordinal)..];
        var ssn = creation[creation.IndexOf("data-property=\"Ssn\"", StringComparison.Ordinal)..];
        ssn = ssn[..ssn.IndexOf("</tr>", StringComparison.Ordinal)];
        ssn.Split("masked-tag").Length.ShouldBe(2, "the new SSN is marked as masked, the empty old one is not");
        var update = page[page.IndexOf($"data-event=\"{updated}\"", StringComparison.Ordinal)..page.IndexOf($"data-event=\"{created}\"", StringComparison.Ordinal)];
        update.ShouldContain("a@example.com");
        update.ShouldContain("b@example.com");
        update.ShouldNotContain("masked-tag");
    }

    [Fact]
    public async Task Ids_with_a_slash_link_to_user_and_resource_pages_that_show_their_events()
    {
        var tenant = await server.CreateTenantAsync();
        var id = await IngestAsync(tenant, new { action = "UPDATE", resource_type = "Order", resource_id = "orders/17", user_id = "svc/backup", description = "slashed ids" });
        await IngestAsync(tenant, new { action = "UPDATE", resource_type = "Order", resource_id = "orders", user_id = "svc", description = "the prefix only" });
        using var session = await ConsoleSession.SignInNewUserAsync(server, tenant.Id, "read", Password);

        var detail = await session.ReadPageAsync($"/console/{tenant.Id}/events/{id}");
        var userLink = $"/console/{tenant.Id}/users/svc/backup";
        var resourceLink = $"/console/{tenant.Id}/resources/Order/orders/17";
        detail.ShouldContain($"href=\"{userLink}\"");
        detail.ShouldContain($"href=\"{resourceLink}\"");
        (await session.ReadPageAsync($"/console/{tenant.Id}/events?actor=svc/backup")).ShouldContain($"href=\"{userLink}\"");

        var user = await session.ReadPageAsync(userLink);
        user.ShouldContain("<span id=\"user-id\">svc/backup</span>");
        Rows(Section(user, "timeline")).ShouldBe(1);
        user.ShouldContain("slashed ids");
        user.ShouldNotContain("the prefix only");

        var resource = await session.ReadPageAsync(resourceLink);
        resource.ShouldContain("<span id=\"resource-id\">orders/17</span>");
        resource.ShouldContain($"data-event=\"{id}\"");
        resource.ShouldNotContain("No events on this resource.");
    }

    [Fact]
    public async Task A_person_of_one_tenant_gets_404_on_the_user_and_resource_pages_of_another_and_views_are_recorded()
    {
        var mine = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        await IngestAsync(other, new { action = "UPDATE", resource_type = "Invoice", resource_id = "secret-9", user_id = "sam", ip_address = "10.9.9.9" });
        using var session = await ConsoleSession.SignInNewUserAsync(server, mine.Id, "triage", Password);

        string[] denied =
        [
            $"/console/{other.Id}/users/sam",
            $"/console/{other.Id}/resources/Invoice/secret-9",
            "/console/no-such-tenant/users/sam",
        ];
        foreach (var path in denied)
        {
            var response = await session.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("10.9.9.9", customMessage: path);
        }

        // In the person's own tenant the same user and resource are simply empty, and each view is recorded under the person.
        (await session.ReadPageAsync($"/console/{mine.Id}/users/sam")).ShouldContain("No events of this user.");
        (await session.ReadPageAsync($"/console/{mine.Id}/resources/Invoice/secret-9")).ShouldContain("No events on this resource.");
        using var read = server.CreateClient(mine.ReadKey);
        var views = await read.GetFromJsonAsync<JsonElement>("/api/v1/audit-logs?category=console&action=READ");
        var recorded = views.GetProperty("items").EnumerateArray().ToList();
        recorded.ShouldAllBe(e => e.GetProperty("user_id").GetString()!.StartsWith("local:"));
        recorded.Select(e => (e.GetProperty("resource_type").GetString(), e.GetProperty("resource_id").GetString()))
            .ShouldBe([("UserActivity", "sam"), ("ResourceHistory", "Invoice/secret-9")], ignoreOrder: true);
        using var otherRead = server.CreateClient(other.ReadKey);
        (await otherRead.GetFromJsonAsync<JsonElement>("/api/v1/audit-logs?category=console&action=READ")).GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    /// <summary>The table with <paramref name="id"/>.</summary>
    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, id);
        return html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    private static int Rows(string table) => table.Split("<tr").Length - 2;

    private async Task<Guid> IngestAsync(TestTenant tenant, object body)
    {
        using var ingest = server.CreateClient(tenant.IngestKey);
        var json = JsonSerializer.SerializeToNode(body)!.AsObject();
        json["timestamp"] ??= server.Time.GetUtcNow();
        var response = await ingest.PostAsJsonAsync("/api/v1/audit-logs", json);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [GeneratedRegex("id=\"next-page\" href=\"([^\"]+)\"")]
    private static partial Regex NextPattern();
}
