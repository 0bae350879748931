namespace AuditKit.Server.Tests.Console;

/// <summary>The Integrity page: the API's verification, run on a form post, recorded under the person.</summary>
public sealed class ConsoleIntegrityPageTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task Verifying_from_the_console_answers_as_the_api_and_names_a_row_changed_in_the_database()
    {
        var tenant = await server.CreateTenantAsync();
        var seqs = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            seqs.Add(await IngestAsync(tenant, new { action = "READ", resource_type = "Report", resource_id = $"r-{i}", user_id = "olga" }));
        }

        using var session = await ConsoleSession.SignInNewUserAsync(server, tenant.Id, "read", Password);
        var path = $"/console/{tenant.Id}/integrity";
        var page = await session.ReadPageAsync(path);
        page.ShouldNotContain("id=\"verify-result\"");

        var ok = await VerifyAsync(session, path);
        ok.ShouldContain("The chain verifies");
        // The three events and the server's own records since (the person's sign-in among them).
        var verified = long.Parse(System.Text.RegularExpressions.Regex.Match(ok, "id=\"verified-events\">(\\d+)<").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        verified.ShouldBeGreaterThanOrEqualTo(3);

        await using (var connection = await server.OpenTamperConnectionAsync())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE audit_events SET action = 'DELETE' WHERE tenant_id = @tenant AND seq = @seq";
            DbParameters.Add(command, "@tenant", tenant.Id);
            DbParameters.Add(command, "@seq", seqs[1]);
            (await command.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        var broken = await VerifyAsync(session, path);
        broken.ShouldContain("The chain is broken");
        broken.ShouldContain($"id=\"first-broken-seq\">{seqs[1]}<");
        broken.ShouldContain("id=\"broken-reason\">hash_mismatch<");

        // Both verifications are recorded under the person, the broken one as critical.
        using var read = server.CreateClient(tenant.ReadKey);
        var recorded = (await read.GetFromJsonAsync<JsonElement>("/api/v1/audit-logs?resource_type=AuditChain&sort_order=asc"))
            .GetProperty("items").EnumerateArray().ToList();
        recorded.Count.ShouldBe(2);
        recorded.ShouldAllBe(e => e.GetProperty("user_id").GetString()!.StartsWith("local:"));
        recorded[1].GetProperty("severity").GetString().ShouldBe("CRITICAL");
    }

    [Fact]
    public async Task Another_tenants_integrity_page_is_not_found_and_a_post_without_the_token_is_refused()
    {
        var (mine, theirs) = (await server.CreateTenantAsync(), await server.CreateTenantAsync());
        using var session = await ConsoleSession.SignInNewUserAsync(server, mine.Id, "read", Password);

        (await session.GetAsync($"/console/{theirs.Id}/integrity")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await session.PostFormAsync($"/console/{mine.Id}/integrity", [])).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static async Task<string> VerifyAsync(ConsoleSession session, string path)
    {
        var token = await session.ReadTokenAsync(path);
        var response = await session.PostFormAsync(path, new() { ["__RequestVerificationToken"] = token });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<long> IngestAsync(TestTenant tenant, object body)
    {
        using var ingest = server.CreateClient(tenant.IngestKey);
        var response = await ingest.PostAsJsonAsync("/api/v1/audit-logs", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64();
    }
}
