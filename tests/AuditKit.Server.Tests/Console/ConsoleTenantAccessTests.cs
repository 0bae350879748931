using Microsoft.AspNetCore.Authorization;

namespace AuditKit.Server.Tests.Console;

/// <summary>Every console page is scoped to the tenants a person holds a grant in, through the API's own policies.</summary>
public sealed class ConsoleTenantAccessTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task A_person_of_one_tenant_gets_404_on_every_page_of_another()
    {
        var mine = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        var myEvent = await server.IngestOneAsync(mine, new { action = "UPDATE", resource_type = "Invoice", resource_id = "in-1" });
        var otherEvent = await server.IngestOneAsync(other, new { action = "UPDATE", resource_type = "Invoice", resource_id = "secret-1" });
        using var session = await ConsoleSession.SignInNewUserAsync(server, mine.Id, "read", Password, name: "ivan");

        (await session.GetAsync($"/console/{mine.Id}/events")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.GetAsync($"/console/{mine.Id}/events/{myEvent}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        string[] denied =
        [
            $"/console/{other.Id}/events",
            $"/console/{other.Id}/events?q=secret",
            $"/console/{other.Id}/events/{otherEvent}",
            $"/console/{mine.Id}/events/{otherEvent}",
            $"/console?tenant={other.Id}",
            "/console/no-such-tenant/events",
        ];
        foreach (var path in denied)
        {
            var response = await session.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("secret-1", customMessage: path);
        }
    }

    [Fact]
    public async Task The_event_detail_shows_every_field_and_marks_masked_values()
    {
        var tenant = await server.CreateTenantAsync();
        var id = await server.IngestOneAsync(tenant, new
        {
            action = "UPDATE",
            resource_type = "Customer",
            resource_id = "c-42",
            user_id = "alice",
            ip_address = "203.0.113.9",
            trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
            changes = new object[]
            {
                new { property = "Email", old = "old@example.com", @new = "new@example.com" },
                new { property = "Ssn", old = "***", @new = "*******6789" },
            },
        });
        using var session = await ConsoleSession.ForNewUserAsync(server, tenant.Id, "judy", Password, "triage");
        var user = session.User;
        await session.SignInAsync(user, Password);

        var html = await (await session.GetAsync($"/console/{tenant.Id}/events/{id}")).Content.ReadAsStringAsync();

        html.ShouldContain("203.0.113.9");
        html.ShouldContain("4bf92f3577b34da6a3ce929d0e0e4736");
        html.ShouldContain("old@example.com");
        html.ShouldContain("new@example.com");
        var ssnRow = html[html.IndexOf("data-property=\"Ssn\"", StringComparison.Ordinal)..];
        ssnRow = ssnRow[..ssnRow.IndexOf("</tr>", StringComparison.Ordinal)];
        ssnRow.Split("masked-tag").Length.ShouldBe(3, "both the old and the new SSN are marked as masked");
        var emailRow = html[html.IndexOf("data-property=\"Email\"", StringComparison.Ordinal)..];
        emailRow[..emailRow.IndexOf("</tr>", StringComparison.Ordinal)].ShouldNotContain("masked-tag");
    }

    [Fact]
    public async Task Filters_and_paging_are_the_list_apis()
    {
        var tenant = await server.CreateTenantAsync();
        for (var i = 0; i < 55; i++)
        {
            await server.IngestOneAsync(tenant, new { action = "READ", resource_type = "Report", resource_id = $"r-{i}", user_id = i % 2 == 0 ? "even" : "odd" });
        }

        await server.IngestOneAsync(tenant, new { action = "LOGIN_FAILED", status = "FAILURE", severity = "CRITICAL", user_id = "even", description = "bad password from kiosk" });
        using var session = await ConsoleSession.ForNewUserAsync(server, tenant.Id, "kim", Password, "read");
        var user = session.User;
        await session.SignInAsync(user, Password);

        var failed = await (await session.GetAsync($"/console/{tenant.Id}/events?status=FAILURE&severity=CRITICAL&actor=even")).Content.ReadAsStringAsync();
        failed.ShouldContain("bad password from kiosk");
        failed.ShouldNotContain("r-1<");

        var search = await (await session.GetAsync($"/console/{tenant.Id}/events?q=kiosk")).Content.ReadAsStringAsync();
        search.ShouldContain("bad password from kiosk");

        var first = await (await session.GetAsync($"/console/{tenant.Id}/events?resource=Report&range=7d")).Content.ReadAsStringAsync();
        first.Split("<tr>").Length.ShouldBe(1 + 1 + 50);
        var next = System.Text.RegularExpressions.Regex.Match(first, "id=\"next-page\" href=\"([^\"]+)\"").Groups[1].Value;
        next.ShouldContain("cursor=");
        var second = await (await session.GetAsync(System.Net.WebUtility.HtmlDecode(next))).Content.ReadAsStringAsync();
        second.Split("<tr>").Length.ShouldBe(1 + 1 + 5);
        second.ShouldNotContain("id=\"next-page\"");

        // With the action filter set the pager still links on (page link generation refuses a route value "action").
        var byAction = await (await session.GetAsync($"/console/{tenant.Id}/events?action=READ&range=7d")).Content.ReadAsStringAsync();
        var nextByAction = System.Text.RegularExpressions.Regex.Match(byAction, "id=\"next-page\" href=\"([^\"]+)\"").Groups[1].Value;
        nextByAction.ShouldContain("action=READ");
        nextByAction.ShouldContain("cursor=");
        var secondByAction = await (await session.GetAsync(System.Net.WebUtility.HtmlDecode(nextByAction))).Content.ReadAsStringAsync();
        // 55 READs ingested plus this person's page views (each a READ): the second page ends with the oldest.
        secondByAction.ShouldContain("r-0<");
        secondByAction.ShouldNotContain("id=\"next-page\"");

        var bad = await (await session.GetAsync($"/console/{tenant.Id}/events?severity=LOUD&range=custom&from=yesterday")).Content.ReadAsStringAsync();
        bad.ShouldContain("filter-errors");
        bad.ShouldContain("severity");
        bad.ShouldContain("from");
    }

    [Theory]
    [InlineData("read", true, false, false)]
    [InlineData("triage", true, true, false)]
    [InlineData("admin", true, true, true)]
    public async Task Console_roles_map_to_the_apis_policies(string role, bool read, bool triage, bool admin)
    {
        var person = PersonPrincipal.Create("local:p", "p", [new PersonGrant("acme", role)], "test");
        var scoped = PersonPrincipal.ForTenant(person, "acme")!;
        var authorization = server.Factory.Services.GetRequiredService<IAuthorizationService>();

        (await authorization.AuthorizeAsync(scoped, AuditKitPolicies.Read)).Succeeded.ShouldBe(read);
        (await authorization.AuthorizeAsync(scoped, DetectionPolicies.TriageAlerts)).Succeeded.ShouldBe(triage);
        (await authorization.AuthorizeAsync(scoped, AuditKitPolicies.Admin)).Succeeded.ShouldBe(admin);
        AuditCaller.From(scoped).TenantId.ShouldBe("acme");
        AuditCaller.From(scoped).MayManage("acme").ShouldBe(admin);
        PersonPrincipal.ForTenant(person, "other").ShouldBeNull();
    }
}
