using static AuditKit.Server.Tests.Detection.TestEvents;

namespace AuditKit.Server.Tests.Console;

/// <summary>The Alerts queue and the Alert page: triage through the alert API's own path, roles, conflicts, tenancy.</summary>
public sealed partial class ConsoleAlertPagesTests(SqliteDetectionFixture server) : IClassFixture<SqliteDetectionFixture>
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task A_triage_person_acknowledges_and_resolves_and_a_change_made_first_elsewhere_is_a_conflict_message()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("cat"));
        var alert = await RaiseBruteForceAsync(client, "203.0.113.21");
        using var session = await ConsoleSession.SignInNewUserAsync(server, client.Tenant.Id, "triage", Password);
        var path = $"/console/{client.Tenant.Id}/alerts/{alert}";

        var queue = await session.ReadPageAsync($"/console/{client.Tenant.Id}/alerts");
        queue.ShouldContain($"data-alert=\"{alert}\"");
        var page = await session.ReadPageAsync(path);
        page.ShouldContain("id=\"acknowledge\"");
        page.ShouldContain("id=\"resolve\"");
        EvidenceLinks(page).Count.ShouldBe(5);

        // Without the antiforgery token the form is refused and nothing changes.
        (await session.PostFormAsync(path, new() { ["status"] = "resolved", ["note"] = "x" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var token = await session.ReadTokenAsync(path);

        // Bad input is named on the page (400), the note kept in the form; nothing changes.
        var invalid = await session.PostFormAsync(path, new() { ["status"] = "closed", ["note"] = new string('n', 2001), ["__RequestVerificationToken"] = token });
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var named = await invalid.Content.ReadAsStringAsync();
        named.ShouldContain("id=\"form-errors\"");
        named.ShouldContain("<li>status: ");
        named.ShouldContain("<li>note: must be at most 2000 characters.</li>");
        named.ShouldContain(new string('n', 2001) + "</textarea>");

        var acknowledged = await session.PostFormAsync(path, new() { ["status"] = "acknowledged", ["note"] = "On it", ["__RequestVerificationToken"] = token });
        acknowledged.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        acknowledged.Headers.Location!.OriginalString.ShouldBe(path);
        page = await session.ReadPageAsync(path);
        page.ShouldContain("id=\"alert-status\">acknowledged<");
        page.ShouldNotContain("id=\"acknowledge\"");

        // Someone else resolves it through the API after this page was read; resolving from the page is a conflict.
        using var admin = server.CreateClient(client.Tenant.AdminKey);
        (await admin.PatchAsJsonAsync($"/api/v1/alerts/{alert}", new { status = "resolved", note = "blocked" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var conflict = await session.PostFormAsync(path, new() { ["status"] = "resolved", ["note"] = "me too", ["__RequestVerificationToken"] = token });
        conflict.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var message = await conflict.Content.ReadAsStringAsync();
        message.ShouldContain("id=\"conflict\"");
        message.ShouldContain("This alert is already resolved by api-key:");
        message.ShouldContain("Nothing was changed.");
        message.ShouldNotContain("id=\"resolve\"");

        // The acknowledgement is the person's, recorded in the tenant's log like the API's changes.
        var changes = await client.Read.GetFromJsonAsync<JsonElement>($"/api/v1/audit-logs?resource=Alert&resource_id={alert}&action=UPDATE&sort_order=asc");
        var items = changes.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(2);
        var mine = items.Single(e => e.GetProperty("new_values").GetProperty("status").GetString() == "acknowledged");
        mine.GetProperty("user_id").GetString().ShouldStartWith("local:");
        mine.GetProperty("new_values").GetProperty("note").GetString().ShouldBe("On it");
        var stored = await client.Read.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alert}");
        stored.GetProperty("acknowledged_by").GetString().ShouldStartWith("person:local:");
        stored.GetProperty("resolved_note").GetString().ShouldBe("blocked");
    }

    [Fact]
    public async Task A_read_only_person_sees_no_triage_buttons_and_a_post_is_refused()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("car"));
        var alert = await RaiseBruteForceAsync(client, "203.0.113.22");
        using var session = await ConsoleSession.SignInNewUserAsync(server, client.Tenant.Id, "read", Password);
        var path = $"/console/{client.Tenant.Id}/alerts/{alert}";

        var page = await session.ReadPageAsync(path);
        page.ShouldNotContain("id=\"resolve\"");
        page.ShouldNotContain("id=\"triage\"");
        var token = await session.ReadTokenAsync(path);
        var refused = await session.PostFormAsync(path, new() { ["status"] = "resolved", ["__RequestVerificationToken"] = token });

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.Read.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alert}")).GetProperty("status").GetString().ShouldBe("open");
    }

    [Fact]
    public async Task A_person_of_one_tenant_gets_404_on_the_alert_pages_of_another()
    {
        using var mine = new DetectionClient(server, await server.CreateTenantAsync("cam"));
        using var other = new DetectionClient(server, await server.CreateTenantAsync("cao"));
        var otherAlert = await RaiseBruteForceAsync(other, "198.51.100.23");
        using var session = await ConsoleSession.SignInNewUserAsync(server, mine.Tenant.Id, "admin", Password);
        var token = await session.ReadTokenAsync($"/console/{mine.Tenant.Id}/alerts");

        string[] denied =
        [
            $"/console/{other.Tenant.Id}/alerts",
            $"/console/{other.Tenant.Id}/alerts/{otherAlert}",
            $"/console/{mine.Tenant.Id}/alerts/{otherAlert}",
            $"/console/{mine.Tenant.Id}/alerts/not-a-uuid",
        ];
        foreach (var path in denied)
        {
            var response = await session.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("198.51.100.23", customMessage: path);
        }

        (await session.PostFormAsync($"/console/{mine.Tenant.Id}/alerts/{otherAlert}", new() { ["status"] = "resolved", ["__RequestVerificationToken"] = token }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await session.PostFormAsync($"/console/{other.Tenant.Id}/alerts/{otherAlert}", new() { ["status"] = "resolved", ["__RequestVerificationToken"] = token }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Read.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{otherAlert}")).GetProperty("status").GetString().ShouldBe("open");
    }

    [Fact]
    public async Task The_queue_shows_open_alerts_most_severe_first_filters_and_records_views_under_the_person()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("caq"));
        var at = Start.AddDays(3);

        // mallory fails 5 times from X, then signs in: brute force on X (HIGH), then compromise suspect (CRITICAL);
        // later trent fails 5 times from Y: brute force on Y (HIGH), the most recently active alert.
        await client.PostAsync(Series(5, at, TimeSpan.FromSeconds(1), (t, _) => FailedLogin(t, "mallory", "192.0.2.31")));
        await client.PostAsync(Login(at.AddSeconds(10), "mallory", "192.0.2.31"));
        await client.PostAsync(Series(5, at.AddMinutes(2), TimeSpan.FromSeconds(1), (t, _) => FailedLogin(t, "trent", "192.0.2.32")));
        var compromise = (await client.AlertsAsync(AlertRules.CompromiseSuspect, "mallory")).ShouldHaveSingleItem().Id;
        var bruteX = (await client.AlertsAsync(AlertRules.BruteForce, "192.0.2.31")).ShouldHaveSingleItem().Id;
        var bruteY = (await client.AlertsAsync(AlertRules.BruteForce, "192.0.2.32")).ShouldHaveSingleItem().Id;
        using var admin = server.CreateClient(client.Tenant.AdminKey);
        (await admin.PatchAsJsonAsync($"/api/v1/alerts/{bruteX}", new { status = "resolved" })).EnsureSuccessStatusCode();
        using var session = await ConsoleSession.SignInNewUserAsync(server, client.Tenant.Id, "read", Password);

        var open = await session.ReadPageAsync($"/console/{client.Tenant.Id}/alerts");
        open.IndexOf(compromise.ToString(), StringComparison.Ordinal).ShouldBeGreaterThan(0);
        open.IndexOf(compromise.ToString(), StringComparison.Ordinal).ShouldBeLessThan(open.IndexOf(bruteY.ToString(), StringComparison.Ordinal), "CRITICAL before HIGH");
        open.ShouldNotContain(bruteX.ToString());

        var resolved = await session.ReadPageAsync($"/console/{client.Tenant.Id}/alerts?status=resolved&rule=brute_force&severity=HIGH");
        resolved.ShouldContain(bruteX.ToString());
        resolved.ShouldNotContain(bruteY.ToString());

        var bad = await session.ReadPageAsync($"/console/{client.Tenant.Id}/alerts?status=closed&rule=nope");
        bad.ShouldContain("id=\"filter-errors\"");
        bad.ShouldContain("status:");
        bad.ShouldContain("rule:");

        // The user page lists the alerts that name the user.
        var user = await session.ReadPageAsync($"/console/{client.Tenant.Id}/users/mallory");
        user.ShouldContain($"/alerts/{compromise}");
        user.ShouldNotContain($"/alerts/{bruteY}");

        (await session.ReadPageAsync($"/console/{client.Tenant.Id}/alerts/{compromise}")).ShouldContain("href=\"/console/" + client.Tenant.Id + "/users/mallory\"");
        var views = await client.Read.GetFromJsonAsync<JsonElement>("/api/v1/audit-logs?category=console&action=READ&sort_order=asc&limit=100");
        var recorded = views.GetProperty("items").EnumerateArray().ToList();
        recorded.ShouldAllBe(e => e.GetProperty("user_id").GetString()!.StartsWith("local:"));
        recorded.Select(e => (e.GetProperty("resource_type").GetString(), e.GetProperty("resource_id").GetString()))
            .ShouldBe([("Alert", "list"), ("Alert", "list"), ("UserActivity", "mallory"), ("Alert", compromise.ToString())], ignoreOrder: true);
        recorded.Select(e => e.GetProperty("description").GetString())
            .ShouldContain("Listed alerts in the console (status resolved, severity HIGH, rule brute_force).");
    }

    [Fact]
    public async Task The_alert_api_sorts_by_severity_on_request_and_names_a_bad_sort()
    {
        using var client = new DetectionClient(server, await server.CreateTenantAsync("cas"));
        await (await client.Read.GetAsync("/api/v1/alerts?sort=loudest")).ShouldBeValidationProblemAsync("sort");
        (await client.Read.GetAsync("/api/v1/alerts?sort=severity")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<Guid> RaiseBruteForceAsync(DetectionClient client, string ip)
    {
        await client.PostAsync(Series(5, Start, TimeSpan.FromSeconds(1), (at, _) => FailedLogin(at, "victim", ip)));
        return (await client.AlertsAsync(AlertRules.BruteForce, ip)).ShouldHaveSingleItem().Id;
    }

    private static List<string> EvidenceLinks(string html) =>
        [.. EvidencePattern().Matches(html[html.IndexOf("id=\"evidence\"", StringComparison.Ordinal)..]).Select(static m => m.Groups[1].Value)];

    [GeneratedRegex("href=\"(/console/[^/]+/events/[0-9a-f-]{36})\"")]
    private static partial Regex EvidencePattern();
}
