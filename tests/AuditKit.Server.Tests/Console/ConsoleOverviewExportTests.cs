namespace AuditKit.Server.Tests.Console;

/// <summary>The Overview's charts (the summary store call) and the Events page's Export (the API export's code path).</summary>
public sealed class ConsoleOverviewExportTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task The_overview_charts_count_a_known_set_of_the_last_24_hours()
    {
        var tenant = await server.CreateTenantAsync();
        var now = server.Time.GetUtcNow();
        var twoHoursAgo = now.AddHours(-2);
        var oneHourAgo = now.AddHours(-1);
        for (var i = 0; i < 3; i++)
        {
            await IngestAsync(tenant, new { action = "UPDATE", resource_type = "Invoice", user_id = "alice", severity = "LOW", timestamp = twoHoursAgo });
        }

        for (var i = 0; i < 2; i++)
        {
            await IngestAsync(tenant, new { action = "DELETE", resource_type = "Invoice", user_id = "alice", severity = "HIGH", timestamp = twoHoursAgo });
        }

        await IngestAsync(tenant, new { action = "LOGIN_FAILED", user_id = "mallory", status = "FAILURE", severity = "CRITICAL", timestamp = oneHourAgo });
        await IngestAsync(tenant, new { action = "LOGIN", user_id = "mallory", status = "FAILURE", severity = "HIGH", timestamp = oneHourAgo });
        await IngestAsync(tenant, new { action = "PURGE", resource_type = "Invoice", user_id = "old-timer", severity = "LOW", timestamp = now.AddHours(-30) });
        var user = ConsoleSignInTests.Unique("olga");
        (await ConsoleSession.CreateUserAsync(server, tenant.Id, user, Password, "read")).EnsureSuccessStatusCode();
        using var session = new ConsoleSession(server);
        (await session.SignInAsync(user, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var response = await session.GetAsync($"/console/{tenant.Id}/overview");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'none'");
        var html = await response.Content.ReadAsStringAsync();

        // Events per hour by severity: the two hours of the set, in the data table and in the chart's stacked bars.
        Row(html, "chart-hourly-table", HourKey(twoHoursAgo)).ShouldBe(["3", "0", "2", "0", "5"]);
        Row(html, "chart-hourly-table", HourKey(oneHourAgo)).ShouldBe(["0", "0", "1", "1", "2"]);
        var bar = Between(html, $"<g data-hour=\"{HourKey(twoHoursAgo)}\" data-count=\"5\">", "</g>");
        bar.ShouldContain("data-severity=\"LOW\" data-count=\"3\"");
        bar.ShouldContain("data-severity=\"HIGH\" data-count=\"2\"");
        bar.ShouldNotContain("data-severity=\"MEDIUM\"");

        // Top actions and users (the person's own sign-in is an event of the tenant too), failed sign-ins.
        var actions = Table(html, "chart-actions-table");
        actions["UPDATE"].ShouldBe("3");
        actions["DELETE"].ShouldBe("2");
        actions["LOGIN"].ShouldBe("2");
        actions["LOGIN_FAILED"].ShouldBe("1");
        actions.ShouldNotContainKey("PURGE");
        Table(html, "chart-users-table")["alice"].ShouldBe("5");
        Table(html, "chart-failed-users-table").ShouldBe(new Dictionary<string, string> { ["mallory"] = "2" });
        Table(html, "chart-failed-hours-table").ShouldBe(new Dictionary<string, string> { [oneHourAgo.UtcDateTime.ToString("HH':00'", CultureInfo.InvariantCulture)] = "2" });
        html.ShouldContain("<strong id=\"overview-failed\">2</strong>");
        html.ShouldContain("<title id=\"chart-actions-title\">Top actions</title>");
        html.ShouldContain("<desc id=\"chart-hourly-desc\">");
        html.ShouldNotContain(" style=");

        // Recorded under the person, as a read.
        var reads = await ListAsync(tenant, $"user_id=local:{user}&action=READ");
        reads.ShouldContain(e => e.GetProperty("resource_id").GetString() == "summary");
    }

    [Fact]
    public async Task A_person_of_one_tenant_gets_404_on_the_overview_and_export_of_another()
    {
        var mine = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        await IngestAsync(other, new { action = "UPDATE", resource_type = "Invoice", resource_id = "secret-7", timestamp = server.Time.GetUtcNow() });
        var user = ConsoleSignInTests.Unique("pete");
        (await ConsoleSession.CreateUserAsync(server, mine.Id, user, Password, "read")).EnsureSuccessStatusCode();
        using var session = new ConsoleSession(server);
        await session.SignInAsync(user, Password);
        var token = await session.ReadTokenAsync($"/console/{mine.Id}/events");

        var overview = await session.GetAsync($"/console/{other.Id}/overview");
        overview.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var export = await session.PostFormAsync($"/console/{other.Id}/events/export?range=all", new() { ["format"] = "csv", ["__RequestVerificationToken"] = token });
        export.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await export.Content.ReadAsStringAsync()).ShouldNotContain("secret-7");
        (await session.GetAsync($"/console/{other.Id}/events/tail")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("ndjson")]
    public async Task The_export_of_the_current_filter_equals_the_apis_and_is_recorded_under_the_person(string format)
    {
        var tenant = await server.CreateTenantAsync();
        var now = server.Time.GetUtcNow();
        await IngestAsync(tenant, new { action = "UPDATE", resource_type = "Customer", resource_id = "c-1", user_id = "alice", description = "=HYPERLINK(\"x\")", timestamp = now.AddMinutes(-5) });
        await IngestAsync(tenant, new { action = "UPDATE", resource_type = "Customer", resource_id = "c-2", user_id = "bob", description = "address, \"quoted\"", timestamp = now.AddMinutes(-4) });
        await IngestAsync(tenant, new { action = "DELETE", resource_type = "Customer", resource_id = "c-3", user_id = "alice", timestamp = now.AddMinutes(-3) });
        var user = ConsoleSignInTests.Unique("xena");
        (await ConsoleSession.CreateUserAsync(server, tenant.Id, user, Password, "read")).EnsureSuccessStatusCode();
        using var session = new ConsoleSession(server);
        await session.SignInAsync(user, Password);
        var events = await (await session.GetAsync($"/console/{tenant.Id}/events?action=UPDATE&range=all")).Content.ReadAsStringAsync();
        events.ShouldContain("id=\"export\"");
        var exportAction = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(events, "<form [^>]*action=\"([^\"]*/events/export[^\"]*)\"").Groups[1].Value);
        exportAction.ShouldStartWith($"/console/{tenant.Id}/events/export?");
        exportAction.ShouldContain("action=UPDATE");
        exportAction.ShouldContain("range=all");
        var token = await session.ReadTokenAsync($"/console/{tenant.Id}/events?action=UPDATE&range=all");

        var console = await session.PostFormAsync($"/console/{tenant.Id}/events/export?action=UPDATE&range=all", new() { ["format"] = format, ["__RequestVerificationToken"] = token });
        console.StatusCode.ShouldBe(HttpStatusCode.OK);
        console.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        var consoleBody = await console.Content.ReadAsStringAsync();
        using var api = server.CreateClient(tenant.ReadKey);
        var apiResponse = await api.GetAsync($"/api/v1/audit-logs/export?format={format}&action=UPDATE");
        apiResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        console.Content.Headers.ContentType!.ToString().ShouldBe(apiResponse.Content.Headers.ContentType!.ToString());

        consoleBody.ShouldBe(await apiResponse.Content.ReadAsStringAsync());
        consoleBody.ShouldContain("c-1");
        consoleBody.ShouldContain("c-2");
        // As a whole value: the export's ids and base64url hashes may hold "c-3" by chance.
        System.Text.RegularExpressions.Regex.IsMatch(consoleBody, "(?<![A-Za-z0-9_-])c-3(?![A-Za-z0-9_-])").ShouldBeFalse();

        var exports = await ListAsync(tenant, $"user_id=local:{user}&action=EXPORT");
        var record = exports.ShouldHaveSingleItem();
        record.GetProperty("severity").GetString().ShouldBe("HIGH");
        record.GetProperty("metadata").GetProperty("rows").GetInt64().ShouldBe(2);
        record.GetProperty("metadata").GetProperty("filter").GetProperty("format").GetString().ShouldBe(format);
        record.GetProperty("metadata").GetProperty("filter").GetProperty("action").GetString().ShouldBe("UPDATE");
    }

    [Fact]
    public async Task An_export_without_the_antiforgery_token_or_with_a_bad_filter_is_refused()
    {
        var tenant = await server.CreateTenantAsync();
        var user = ConsoleSignInTests.Unique("yuri");
        (await ConsoleSession.CreateUserAsync(server, tenant.Id, user, Password, "read")).EnsureSuccessStatusCode();
        using var session = new ConsoleSession(server);
        await session.SignInAsync(user, Password);

        var forged = await session.PostFormAsync($"/console/{tenant.Id}/events/export?range=all", new() { ["format"] = "csv" });
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var token = await session.ReadTokenAsync($"/console/{tenant.Id}/events");
        var bad = await session.PostFormAsync($"/console/{tenant.Id}/events/export?severity=LOUD", new() { ["format"] = "xlsx", ["__RequestVerificationToken"] = token });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await bad.Content.ReadAsStringAsync();
        html.ShouldContain("format must be one of");
        html.ShouldContain("severity");
        (await ListAsync(tenant, $"user_id=local:{user}&action=EXPORT")).ShouldBeEmpty();
    }

    private static string HourKey(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH':00Z'", CultureInfo.InvariantCulture);

    private static string Between(string html, string start, string end)
    {
        var from = html.IndexOf(start, StringComparison.Ordinal);
        from.ShouldBeGreaterThanOrEqualTo(0, start);
        var to = html.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        return html[from..to];
    }

    /// <summary>The cells (after the header cell) of the row of <paramref name="table"/> whose data-hour is <paramref name="hour"/>.</summary>
    private static string[] Row(string html, string table, string hour)
    {
        var row = Between(Between(html, $"<table id=\"{table}\">", "</table>"), $"<tr data-hour=\"{hour}\">", "</tr>");
        return [.. System.Text.RegularExpressions.Regex.Matches(row, "<td>([^<]*)</td>").Select(static m => m.Groups[1].Value)];
    }

    /// <summary>A two-column chart table as label → count.</summary>
    private static Dictionary<string, string> Table(string html, string table)
    {
        var body = Between(html, $"<table id=\"{table}\">", "</table>");
        return System.Text.RegularExpressions.Regex.Matches(body, "<tr><th scope=\"row\">([^<]*)</th><td>([^<]*)</td></tr>")
            .ToDictionary(static m => WebUtility.HtmlDecode(m.Groups[1].Value), static m => m.Groups[2].Value);
    }

    private async Task<List<JsonElement>> ListAsync(TestTenant tenant, string query)
    {
        using var read = server.CreateClient(tenant.ReadKey);
        using var document = JsonDocument.Parse(await read.GetStringAsync($"/api/v1/audit-logs?{query}"));
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(static e => e.Clone())];
    }

    private async Task IngestAsync(TestTenant tenant, object body)
    {
        using var ingest = server.CreateClient(tenant.IngestKey);
        var response = await ingest.PostAsJsonAsync("/api/v1/audit-logs", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }
}
