using System.Buffers.Text;

namespace AuditKit.Server.Tests.Api;

/// <summary>
/// Input that once made the server answer 500: text a database cannot hold (invalid UTF-8, lone surrogates, NUL) and
/// crafted cursors. Each must answer 400 naming its field and store nothing, on SQLite and PostgreSQL alike.
/// </summary>
public abstract class BadInputTests(AuditKitServerFixture server)
{
    private const string Single = "/api/v1/audit-logs";
    private const string Batch = "/api/v1/audit-logs/batch";

    public static TheoryData<string, string> BadEventFields => new()
    {
        // Raw bytes that are not UTF-8, inside a string.
        { "user_id", "{\"action\":\"LOGIN\",\"user_id\":\"al\u00FF\u00FEce\"}" },
        { "action", "{\"action\":\"LOG\u00C3IN\"}" },
        { "status", "{\"action\":\"LOGIN\",\"status\":\"\u00ED\u00A0\u0080\"}" },
        { "tags[0]", "{\"action\":\"LOGIN\",\"tags\":[\"\u00F8\u0088\u0080\u0080\u0080\"]}" },

        // An escaped lone surrogate: valid JSON syntax, no valid text.
        { "resource_name", "{\"action\":\"LOGIN\",\"resource_name\":\"a\\ud800b\"}" },
        { "timestamp", "{\"action\":\"LOGIN\",\"timestamp\":\"\\udc00\"}" },
        { "id", "{\"action\":\"LOGIN\",\"id\":\"\\ud800\"}" },
        { "changes[0].property", "{\"action\":\"UPDATE\",\"changes\":[{\"property\":\"\\udfff\",\"old\":1,\"new\":2}]}" },

        // The same inside JSON values that are stored as documents.
        { "metadata", "{\"action\":\"LOGIN\",\"metadata\":{\"note\":\"a\\udbffb\"}}" },
        { "new_values", "{\"action\":\"LOGIN\",\"new_values\":{\"name\":\"\\ud800\"}}" },
        { "old_values", "{\"action\":\"LOGIN\",\"old_values\":{\"n\\ud800ame\":1}}" },
        { "old_values", "{\"action\":\"LOGIN\",\"old_values\":\"{\\\"name\\\":\\\"\\\\ud800\\\"}\"}" },
        { "metadata", "{\"action\":\"LOGIN\",\"metadata\":{\"deep\":[{\"x\":\"\u00FF\"}]}}" },
        { "changes[0].new", "{\"action\":\"UPDATE\",\"changes\":[{\"property\":\"Name\",\"old\":\"a\",\"new\":\"b\\udc00\"}]}" },
        { "changes[0].old", "{\"action\":\"UPDATE\",\"changes\":[{\"property\":\"Name\",\"old\":{\"k\":\"\\udc00\"},\"new\":\"b\"}]}" },

        // Numbers beyond PostgreSQL's numeric range.
        { "metadata", "{\"action\":\"LOGIN\",\"metadata\":{\"n\":1e200000}}" },
        { "metadata", "{\"action\":\"LOGIN\",\"metadata\":{\"n\":1e-20000}}" },

        // A property name that is not text names the body: it could be any field.
        { "body", "{\"action\":\"LOGIN\",\"us\u00FFer\":\"x\"}" },
    };

    [Theory]
    [MemberData(nameof(BadEventFields))]
    public async Task A_single_event_with_text_no_store_can_hold_is_a_400_naming_the_field(string field, string body)
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);

        var before = await CountAsync(tenant);

        var response = await ingest.PostAsync(Single, Raw(body));

        await response.ShouldBeValidationProblemAsync(field);
        (await CountAsync(tenant)).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(BadEventFields))]
    public async Task A_bad_event_in_a_batch_is_rejected_alone_naming_its_field(string field, string body)
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var batch = "[{\"action\":\"CREATE\",\"resource_type\":\"Order\"}," + body + ",{\"action\":\"READ\",\"resource_type\":\"Order\"}]";
        var before = await CountAsync(tenant);

        var result = await (await ingest.PostAsync(Batch, Raw(batch))).ReadBatchResultAsync();

        result.Items.Select(static i => i.Status).ShouldBe(["accepted", "rejected", "accepted"]);
        result.Items[1].Index.ShouldBe(1);
        result.Items[1].Errors!.Select(static e => e.Field).ShouldBe([field]);
        (await CountAsync(tenant)).ShouldBe(before + 2);
    }

    // Found by BadInputFuzzTests: the reader checks a property name's UTF-8 only when it is decoded, so a body that is
    // malformed further on failed again while the syntax error was being located.
    [Theory]
    [InlineData(Single, "body", "{\"\u00ED\u00BF\u00BFaction\":\"DELETE\",\"resource_type")]
    [InlineData(Batch, "[0]", "[{\"ac\u00F4ion\":\"LOG")]
    [InlineData(Single, "action[0]", "{\"action\":[{\"\u00C3\":" + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]}")]
    public async Task A_malformed_body_with_a_property_name_that_is_not_UTF_8_is_a_400_naming_where(string url, string field, string body)
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        var before = await CountAsync(tenant);

        await (await ingest.PostAsync(url, Raw(body))).ShouldBeValidationProblemAsync(field);

        (await CountAsync(tenant)).ShouldBe(before);
    }

    [Fact]
    public async Task A_NUL_in_an_event_is_stored_as_U_FFFD_on_every_provider()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        const string body = "{\"action\":\"LOGIN\",\"description\":\"a\\u0000b\",\"metadata\":{\"n\\u0000\":\"x\\u0000\"}}";

        var created = await (await ingest.PostAsync(Single, Raw(body))).ReadEventAsync();

        var stored = await (await read.GetAsync($"{Single}/{created.Id}")).ReadEventAsync();
        stored.Description.ShouldBe("a\uFFFDb");
        stored.Metadata!["n\uFFFD"]!.GetValue<string>().ShouldBe("x\uFFFD");
    }

    [Theory]
    [InlineData("user_id", "user_id=a%00b")]
    [InlineData("action", "action=LOGIN%00")]
    [InlineData("resource", "resource=%00")]
    [InlineData("resource_id", "resource_id=x%00")]
    [InlineData("category", "log_type=a%00")]
    [InlineData("service_name", "service_name=%00shop")]
    [InlineData("trace_id", "trace_id=%00")]
    [InlineData("search", "search=pass%00word")]
    public async Task A_NUL_in_a_filter_is_a_400_naming_it(string field, string query)
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        await (await read.GetAsync($"{Single}?{query}")).ShouldBeValidationProblemAsync(field);
        await (await read.GetAsync($"{Single}/export?format=ndjson&{query}")).ShouldBeValidationProblemAsync(field);
        await (await read.GetAsync($"{Single}/failed-auth?group_by=ip&{query}")).ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_NUL_in_an_alert_filter_is_a_400_naming_it()
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        await (await read.GetAsync("/api/v1/alerts?key=10.0.0.1%00")).ShouldBeValidationProblemAsync("key");
    }

    public static TheoryData<string> CraftedCursors => new()
    {
        // A timestamp position that is not a time.
        $$"""{"s":0,"d":true,"v":"yesterday","i":"{{Guid.CreateVersion7()}}"}""",

        // A non-nullable sort field without its value.
        $$"""{"s":2,"d":true,"i":"{{Guid.CreateVersion7()}}"}""",
        $$"""{"s":0,"d":false,"i":"{{Guid.CreateVersion7()}}"}""",

        // Numbers that are not numbers of their column.
        $$"""{"s":7,"d":true,"v":"NaN","i":"{{Guid.CreateVersion7()}}"}""",
        $$"""{"s":7,"d":true,"v":"Infinity","i":"{{Guid.CreateVersion7()}}"}""",
        $$"""{"s":6,"d":true,"v":"1.5","i":"{{Guid.CreateVersion7()}}"}""",
        $$"""{"s":2,"d":true,"v":"99999","i":"{{Guid.CreateVersion7()}}"}""",

        // Text a database cannot hold.
        $$"""{"s":3,"d":true,"v":"LOGIN\u0000","i":"{{Guid.CreateVersion7()}}"}""",
        $$"""{"s":4,"d":true,"v":"\ud800","i":"{{Guid.CreateVersion7()}}"}""",
        "{\"s\":5,\"d\":true,\"v\":\"\u00FF\",\"i\":\"" + Guid.CreateVersion7() + "\"}",
        "{\"s\":5,\"d\":true,\"v\":\"x\",\"i\":\"\u00FF\"}",

        // Types that are not the codec's.
        $$"""{"s":3,"d":true,"v":42,"i":"{{Guid.CreateVersion7()}}"}""",
        $$"""{"s":"0","d":true,"v":"x","i":"{{Guid.CreateVersion7()}}"}""",
        """{"s":0,"d":true,"v":"2025-01-01T00:00:00Z","i":7}""",
        "[1,2,3]",
        "nul",
    };

    [Theory]
    [MemberData(nameof(CraftedCursors))]
    public async Task A_crafted_cursor_is_a_400_naming_the_cursor(string json)
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);
        var cursor = Base64Url.EncodeToString(Encoding.Latin1.GetBytes(json));

        await (await read.GetAsync($"{Single}?cursor={cursor}")).ShouldBeValidationProblemAsync("cursor");
        await (await read.GetAsync($"{Single}/user/alice?cursor={cursor}")).ShouldBeValidationProblemAsync("cursor");
    }

    /// <summary>
    /// The body as bytes: the test strings hold every byte as one char (Latin-1), so raw invalid UTF-8 survives into
    /// the request, and the rest is ASCII.
    /// </summary>
    private static ByteArrayContent Raw(string body)
    {
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<long> CountAsync(TestTenant tenant)
    {
        using var read = server.CreateClient(tenant.ReadKey);

        // Only what the tests post: the server's own records (source http) are not counted.
        return (await (await read.GetAsync($"{Single}?source=manual&include_total=exact")).ReadPageAsync()).Total!.Value;
    }
}

public sealed class SqliteBadInputTests(SqliteServerFixture server) : BadInputTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresBadInputTests(PostgresServerFixture server) : BadInputTests(server), IClassFixture<PostgresServerFixture>;
