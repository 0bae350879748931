using static AuditKit.Server.Tests.Api.AuditAnalysisFixtureEvents;

namespace AuditKit.Server.Tests.Api;

/// <summary>GET /api/v1/audit-logs/export as JSON, NDJSON and CSV, on SQLite and PostgreSQL.</summary>
public abstract class AuditExportTests(AuditKitServerFixture server)
{
    private const string Export = "/api/v1/audit-logs/export";

    [Fact]
    public async Task Json_export_is_the_filtered_events_in_list_order_as_an_attachment()
    {
        var (tenant, read) = await ArrangeAsync();

        var response = await read.GetAsync($"{Export}?user_id=alice");

        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var disposition = response.Content.Headers.ContentDisposition!;
        disposition.DispositionType.ShouldBe("attachment");
        disposition.FileName!.Trim('"').ShouldMatch($"^audit-logs-{tenant.Id}-\\d{{8}}T\\d{{6}}Z\\.json$");
        var events = JsonSerializer.Deserialize<List<AuditEvent>>(await response.Content.ReadAsStringAsync(), AuditKitServerFixture.Json)!;
        events.Select(static e => e.Id).ShouldBe([Id(8), Id(7), Id(5), Id(4), Id(0)]);
        events[0].Description.ShouldBe(FormulaDescription);
        events[2].Changes!.Single().Property.ShouldBe("Status");
    }

    [Fact]
    public async Task Ndjson_export_is_one_event_per_line_and_honours_sort_order()
    {
        var (_, read) = await ArrangeAsync();

        var response = await read.GetAsync($"{Export}?format=ndjson&category=auth&sort_order=asc");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-ndjson");
        response.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldEndWith(".ndjson");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        lines[^1].ShouldBeEmpty("every line ends with a newline");
        lines[..^1].Select(l => JsonSerializer.Deserialize<AuditEvent>(l, AuditKitServerFixture.Json)!.Id).ShouldBe([Id(0), Id(1), Id(2), Id(3)]);
    }

    [Fact]
    public async Task Csv_export_follows_rfc_4180_and_neutralizes_formulas()
    {
        var (tenant, read) = await ArrangeAsync();

        var response = await read.GetAsync($"{Export}?format=csv&user_id=alice");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldEndWith(".csv");
        var text = await response.Content.ReadAsStringAsync();
        var records = AuditCsv.Parse(text);
        records[0].ShouldBe(AuditCsvExportWriter.Columns);
        records.Count.ShouldBe(6);
        records.ShouldAllBe(r => r.Length == AuditCsvExportWriter.Columns.Length);
        var row = Row(records, Id(8));
        row["tenant_id"].ShouldBe(tenant.Id);
        row["timestamp"].ShouldBe("2025-01-10T11:30:00.000000Z");
        row["description"].ShouldBe("'" + FormulaDescription, "commas, quotes and the line break survive; the leading = is neutralized");
        row["resource_name"].ShouldBe("'+cmd|' /C calc'!A0");
        row["username"].ShouldBe("'-2+3");
        row["error_message"].ShouldBe("'@SUM(1,2)");
        row["service_version"].ShouldBe("'\t=1+2");
        row["session_id"].ShouldBe("'\r=1");
        row["status_code"].ShouldBe("200");
        row["duration_ms"].ShouldBe("12.5");
        row["severity"].ShouldBe("HIGH");
        row["status"].ShouldBe("SUCCESS");
        row["user_agent"].ShouldBeEmpty();
        Row(records, Id(5))["changes"].ShouldBe("""[{"property":"Status","old":"active","new":"blocked"}]""");
        text.ShouldContain("\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"click\"\"), \"\"quoted\"\", with comma\nand a new line\"");
    }

    [Theory]
    [InlineData("json", "[]")]
    [InlineData("ndjson", "")]
    public async Task An_export_of_nothing_is_an_empty_document(string format, string expected)
    {
        var (_, read) = await ArrangeAsync();

        var response = await read.GetAsync($"{Export}?format={format}&user_id=nobody");

        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe(expected);
    }

    [Fact]
    public async Task A_csv_export_of_nothing_is_the_header_alone()
    {
        var (_, read) = await ArrangeAsync();

        var response = await read.GetAsync($"{Export}?format=csv&user_id=nobody");

        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        var records = AuditCsv.Parse(await response.Content.ReadAsStringAsync());
        records.ShouldHaveSingleItem().ShouldBe(AuditCsvExportWriter.Columns);
    }

    [Fact]
    public async Task Export_takes_every_list_filter_and_search()
    {
        var (_, read) = await ArrangeAsync();

        async Task<List<Guid>> IdsAsync(string query)
        {
            var text = await (await read.GetAsync($"{Export}?format=ndjson&{query}")).Content.ReadAsStringAsync();
            return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<AuditEvent>(l, AuditKitServerFixture.Json)!.Id)];
        }

        (await IdsAsync("search=billing")).ShouldBe([Id(4)]);
        (await IdsAsync("search=password&severity=CRITICAL")).ShouldBe([Id(2), Id(1)]);
        (await IdsAsync("resource=Customer&resource_id=c-1&sort_order=asc")).ShouldBe([Id(4), Id(5)]);
        (await IdsAsync($"status=FAILURE&from_date={Q(At(15))}&to_date={Q(At(60))}")).ShouldBe([Id(3), Id(2)]);
        (await IdsAsync("ip_address=10.0.0.2&service_name=admin-api")).ShouldBe([Id(7)]);
        (await IdsAsync("action=login&log_type=auth")).ShouldBe([Id(3), Id(0)]);
        (await IdsAsync("sort_by=severity&sort_order=desc&user_id=alice")).ShouldBe([Id(7), Id(8), Id(5), Id(4), Id(0)]);
    }

    private async Task<(TestTenant Tenant, HttpClient Read)> ArrangeAsync()
    {
        var tenant = await server.CreateTenantAsync();
        await PostAsync(server, tenant);
        return (tenant, server.CreateClient(tenant.ReadKey));
    }

    private static Dictionary<string, string> Row(List<string[]> records, Guid id)
    {
        var row = records.Single(r => r[0] == id.ToString());
        return records[0].Zip(row).ToDictionary(static p => p.First, static p => p.Second);
    }
}

public sealed class SqliteAuditExportTests(SqliteServerFixture server) : AuditExportTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAuditExportTests(PostgresServerFixture server) : AuditExportTests(server), IClassFixture<PostgresServerFixture>;
