namespace AuditKit.Server.Tests.Api;

/// <summary>
/// The multi-valued filters, the context filters (username, request_id, session_id, data_classification), tags,
/// metadata containment and time_range on the list, export and summary, on SQLite and PostgreSQL.
/// </summary>
public abstract class AuditLogFilterTests(AuditKitServerFixture server)
{
    private const string Logs = "/api/v1/audit-logs";
    private static readonly DateTimeOffset s_start = new(2025, 1, 10, 8, 0, 0, TimeSpan.Zero);

    private static readonly (string Query, int[] Expected)[] s_cases =
    [
        ("severity=HIGH", [3, 4]),
        ("severity=HIGH,CRITICAL", [1, 3, 4]),
        ("severity=HIGH&severity=CRITICAL", [1, 3, 4]),
        ("severity=high,%20critical", [1, 3, 4]),
        ("severity=HIGH,HIGH", [3, 4]),
        ("status=FAILURE,PENDING", [1, 3]),
        ("status=failure&status=pending", [1, 3]),
        ("action=LOGIN,login-failed", [0, 1]),
        ("action=UPDATE&action=DELETE", [2, 3]),
        ("service_name=portal", [0, 1]),
        ("service_name=portal,shop", [0, 1, 2]),
        ("service_name=portal&service_name=billing", [0, 1, 3]),
        ("user_id=alice,carol", [0, 2, 3]),
        ("category=auth,orders", [0, 1, 4]),
        ("resource_id=c-1&resource_id=c-2", [2, 3, 4]),
        ("ip_address=10.0.0.1,2001:db8::7", [0, 2, 3]),
        ("source=efcore,manual", [2, 3]),
        ("trace_id=trace-a,trace-b", [2, 4]),
        ("username=Bob", [1, 4]),
        ("username=Alice,Carol", [0, 2, 3]),
        ("request_id=req-2", [1]),
        ("request_id=req-2,req-5", [1, 4]),
        ("session_id=sess-1", [0, 2]),
        ("session_id=sess-2&session_id=sess-3", [1, 3, 4]),
        ("data_classification=confidential", [1, 4]),
        ("data_classification=internal,restricted", [0, 2, 3]),
        ("tags=sox", [0, 4]),
        ("tags=gdpr,auth", [0, 1, 2, 4]),
        ("tags=sox&tags=gdpr", [0, 2, 4]),
        ("tags=none-such", []),
        ("metadata.env=prod", [0, 2, 4]),
        ("metadata.env=prod&metadata.region=eu", [0]),
        ("metadata.env=prod&metadata.env=dev", []),
        ("metadata.attempts=3", [0, 4]),
        ("metadata.flag=true", [1]),
        ("metadata.note=a,b", [2]),
        ("metadata.region=it%27s", [3]),
        ("metadata.env=staging", []),
        ("severity=HIGH,CRITICAL&service_name=portal,billing", [1, 3]),
        ("tags=auth&metadata.env=dev&severity=CRITICAL", [1]),
        ("search=export&username=Bob", [4]),
        ("search=export&username=Alice", []),
    ];

    [Fact]
    public async Task Each_filter_selects_the_events_matching_any_of_its_values_and_filters_combine()
    {
        var (_, read) = await ArrangeAsync();

        foreach (var (query, expected) in s_cases)
        {
            var page = await (await read.GetAsync($"{Logs}?{query}&include_total=exact")).ReadPageAsync();
            var ids = page.Items.Where(static e => e.Category != "admin").Select(static e => e.Id).ToList();
            ids.ShouldBe(expected.Select(Id), ignoreOrder: true, customMessage: $"{query} on {server.Provider}");
        }
    }

    // The server's own records of these reads (category admin, at the clock's now) are left out of what is compared.
    [Fact]
    public async Task Export_takes_the_same_filters()
    {
        var (_, read) = await ArrangeAsync();

        foreach (var (query, expected) in s_cases.Where(static c => !c.Query.StartsWith("search", StringComparison.Ordinal)))
        {
            var response = await read.GetAsync($"/api/v1/audit-logs/export?format=ndjson&{query}");
            await response.ShouldHaveStatusAsync(System.Net.HttpStatusCode.OK);
            var ids = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(static l => JsonSerializer.Deserialize<AuditEvent>(l, AuditKitServerFixture.Json)!)
                .Where(static e => e.Timestamp < s_start.AddDays(1))
                .Select(static e => e.Id);
            ids.ShouldBe(expected.Select(Id), ignoreOrder: true, customMessage: $"export {query} on {server.Provider}");
        }
    }

    [Theory]
    [InlineData("severity=HIGH,CRITICAL", 3)]
    [InlineData("severity=HIGH&severity=CRITICAL&service_name=portal,billing", 2)]
    [InlineData("action=LOGIN,LOGIN_FAILED", 2)]
    [InlineData("tags=gdpr,auth", 4)]
    [InlineData("metadata.env=prod", 3)]
    [InlineData("username=Bob&data_classification=confidential", 2)]
    [InlineData("session_id=sess-1,sess-3&request_id=req-1,req-4", 2)]
    public async Task Summary_counts_what_the_filters_select(string query, int expected)
    {
        var (_, read) = await ArrangeAsync();

        // Whole hours in the range, so a summary that can use the hourly rollup does.
        var response = await read.GetAsync($"{Logs}/summary?from_date={Q(s_start.AddMinutes(-30))}&to_date={Q(s_start.AddHours(6).AddMinutes(30))}&{query}");

        await response.ShouldHaveStatusAsync(System.Net.HttpStatusCode.OK);
        var summary = (await response.Content.ReadFromJsonAsync<AuditSummaryResponse>(AuditKitServerFixture.Json))!;
        summary.Total.ShouldBe(expected, $"{query} on {server.Provider}");
        summary.TimeBuckets.Sum(static b => b.Count).ShouldBe(expected);
    }

    [Fact]
    public async Task Time_range_counts_back_from_now_on_list_export_and_summary()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var now = server.Time.GetUtcNow();
        TimeSpan[] ages = [TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromDays(2), TimeSpan.FromDays(10), TimeSpan.FromDays(40), TimeSpan.FromDays(100)];
        var ids = ages.Select(age => AuditEventIds.New(now - age)).ToArray();
        var events = ages.Select((age, i) => new { id = ids[i], timestamp = now - age, action = "AGED" }).ToArray();
        (await (await ingest.PostAsJsonAsync($"{Logs}/batch", events)).ReadBatchResultAsync()).Accepted.ShouldBe(events.Length);

        (string Range, int Count)[] cases = [("1h", 1), ("24h", 2), ("7d", 3), ("30d", 4), ("90d", 5), ("7D", 3)];
        foreach (var (range, count) in cases)
        {
            var page = await (await read.GetAsync($"{Logs}?action=AGED&time_range={range}")).ReadPageAsync();
            page.Items.Select(static e => e.Id).ShouldBe(ids.Take(count), ignoreOrder: true, customMessage: $"{range} on {server.Provider}");
            page.Total.ShouldBe(count);
        }

        var export = await (await read.GetAsync($"{Logs}/export?format=ndjson&action=AGED&time_range=24h")).Content.ReadAsStringAsync();
        export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);
        var summary = (await (await read.GetAsync($"{Logs}/summary?action=AGED&time_range=30d")).Content.ReadFromJsonAsync<AuditSummaryResponse>(AuditKitServerFixture.Json))!;
        summary.Total.ShouldBe(4);
        summary.Bucket.ShouldBe("day");
        (summary.To - summary.From).ShouldBe(TimeSpan.FromDays(30), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Search_answers_carry_the_total()
    {
        var (_, read) = await ArrangeAsync();

        var page = await (await read.GetAsync($"{Logs}?search=password&limit=1")).ReadPageAsync();

        page.Items.Select(static e => e.Id).ShouldBe([Id(1)]);
        page.Total.ShouldBe(1);
        page.TotalExact.ShouldBe(true);
    }

    [Theory]
    [InlineData("severity=HIGH,HUGE", "severity")]
    [InlineData("severity=HIGH&severity=HUGE", "severity")]
    [InlineData("status=SUCCESS,maybe", "status")]
    [InlineData("ip_address=10.0.0.1,localhost", "ip_address")]
    [InlineData("source=http,ftp", "source")]
    [InlineData("time_range=2w", "time_range")]
    [InlineData("time_range=24h&from_date=2025-01-01T00:00:00Z", "time_range")]
    [InlineData("time_range=7d&end_date=2025-01-01T00:00:00Z", "time_range")]
    [InlineData("metadata.a.b=x", "metadata.a.b")]
    [InlineData("metadata.=x", "metadata.")]
    [InlineData("metadata.env=", "metadata.env")]
    [InlineData("metadata.env=%00", "metadata.env")]
    [InlineData("username=a%00b", "username")]
    public async Task A_bad_value_is_a_validation_problem_naming_its_field(string query, string field)
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        await (await read.GetAsync($"{Logs}?{query}")).ShouldBeValidationProblemAsync(field);
        await (await read.GetAsync($"{Logs}/export?{query}")).ShouldBeValidationProblemAsync(field);
        await (await read.GetAsync($"{Logs}/summary?{query}")).ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_summary_ending_at_the_first_representable_time_is_a_validation_problem()
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        await (await read.GetAsync($"{Logs}/summary?to_date=0001-01-01T00:00:00Z")).ShouldBeValidationProblemAsync("to_date");
    }

    [Theory]
    [InlineData("severity", "LOW")]
    [InlineData("tags", "t")]
    [InlineData("service_name", "s")]
    public async Task More_values_than_the_cap_are_refused(string field, string value)
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);
        var values = Enumerable.Range(0, AuditQueryParser.MaxFilterValues + 1).Select(i => field == "severity" ? value : value + i);

        await (await read.GetAsync($"{Logs}?{field}={string.Join(',', values)}")).ShouldBeValidationProblemAsync(field);
        (await read.GetAsync($"{Logs}?{field}={string.Join(',', values.Take(AuditQueryParser.MaxFilterValues))}")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_tenants_events_stay_invisible_through_every_filter()
    {
        await ArrangeAsync();
        var stranger = await server.CreateTenantAsync();
        using var read = server.CreateClient(stranger.ReadKey);

        foreach (var (query, _) in s_cases)
        {
            var page = await (await read.GetAsync($"{Logs}?{query}")).ReadPageAsync();
            page.Items.ShouldAllBe(e => e.TenantId == stranger.Id, $"{query} on {server.Provider}");
            page.Items.ShouldNotContain(e => e.Category != "admin");
        }
    }

    private async Task<(TestTenant Tenant, HttpClient Read)> ArrangeAsync()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        object[] events =
        [
            new
            {
                id = Id(0), timestamp = s_start, action = "LOGIN", user_id = "alice", username = "Alice", status = "SUCCESS", severity = "LOW",
                ip_address = "10.0.0.1", service_name = "portal", source = "http", category = "auth", request_id = "req-1", session_id = "sess-1",
                data_classification = "internal", tags = new[] { "auth", "sox" }, metadata = new { env = "prod", region = "eu", attempts = 3 },
                description = "Alice signed in",
            },
            new
            {
                id = Id(1), timestamp = s_start.AddHours(1), action = "LOGIN_FAILED", user_id = "bob", username = "Bob", status = "FAILURE", severity = "CRITICAL",
                ip_address = "10.0.0.2", service_name = "portal", source = "http", category = "auth", request_id = "req-2", session_id = "sess-2",
                data_classification = "confidential", tags = new[] { "auth" }, metadata = new { env = "dev", attempts = 5, flag = true },
                description = "Bad password",
            },
            new
            {
                id = Id(2), timestamp = s_start.AddHours(2), action = "UPDATE", resource_type = "Customer", resource_id = "c-1", user_id = "alice", username = "Alice",
                status = "SUCCESS", severity = "MEDIUM", ip_address = "10.0.0.1", service_name = "shop", source = "efcore", category = "customer", trace_id = "trace-a",
                request_id = "req-3", session_id = "sess-1", data_classification = "internal", tags = new[] { "gdpr" },
                metadata = new { env = "prod", region = "us", note = "a,b" }, description = "Changed the shipping address",
            },
            new
            {
                id = Id(3), timestamp = s_start.AddHours(3), action = "DELETE", resource_type = "Customer", resource_id = "c-2", user_id = "carol", username = "Carol",
                status = "PENDING", severity = "HIGH", ip_address = "2001:db8::7", service_name = "billing", source = "manual", category = "customer",
                request_id = "req-4", session_id = "sess-3", data_classification = "restricted", metadata = new { region = "it's" },
                description = "Refund requested",
            },
            new
            {
                id = Id(4), timestamp = s_start.AddHours(4), action = "EXPORT", resource_type = "Order", resource_id = "c-1", user_id = "bob", username = "Bob",
                status = "SUCCESS", severity = "HIGH", ip_address = "10.0.0.2", service_name = "reports", source = "http", category = "orders", trace_id = "trace-a",
                request_id = "req-5", session_id = "sess-2", data_classification = "confidential", tags = new[] { "sox", "gdpr" },
                metadata = new { env = "prod", attempts = "3" }, description = "Monthly export",
            },
        ];
        (await (await ingest.PostAsJsonAsync($"{Logs}/batch", events)).ReadBatchResultAsync()).Accepted.ShouldBe(events.Length);
        return (tenant, server.CreateClient(tenant.ReadKey));
    }

    // Event i is stamped s_start + i hours; its id is a UUIDv7 of that time (the id rule), told apart by i.
    private static Guid Id(int i) =>
        Guid.Parse($"{s_start.AddHours(i).ToUnixTimeMilliseconds():x12}-7000-8000-{i:D12}".Insert(8, "-"));
}

public sealed class SqliteAuditLogFilterTests(SqliteServerFixture server) : AuditLogFilterTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAuditLogFilterTests(PostgresServerFixture server) : AuditLogFilterTests(server), IClassFixture<PostgresServerFixture>;
