namespace AuditKit.Server.Tests.Api;

/// <summary>GET /api/v1/audit-logs and /{id}, run against SQLite and PostgreSQL.</summary>
public abstract class AuditLogQueryTests(AuditKitServerFixture server)
{
    private const string Logs = "/api/v1/audit-logs";
    private static readonly DateTimeOffset s_start = new(2025, 1, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_filter_selects_exactly_the_matching_events()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        object[] events =
        [
            new { id = Id(0), timestamp = s_start, action = "LOGIN", user_id = "alice", status = "SUCCESS", severity = "LOW", ip_address = "10.0.0.1", service_name = "portal", source = "http", category = "auth", description = "Alice signed in" },
            new { id = Id(1), timestamp = s_start.AddHours(1), action = "LOGIN_FAILED", user_id = "bob", status = "FAILURE", severity = "CRITICAL", ip_address = "10.0.0.2", service_name = "portal", source = "http", category = "auth", description = "Bad password" },
            new { id = Id(2), timestamp = s_start.AddHours(2), action = "UPDATE", resource_type = "Customer", resource_id = "c-1", user_id = "alice", status = "SUCCESS", severity = "MEDIUM", ip_address = "10.0.0.1", service_name = "shop", source = "efcore", category = "customer", description = "Changed the shipping address", trace_id = "trace-a" },
            new { id = Id(3), timestamp = s_start.AddHours(3), action = "DELETE", resource_type = "Customer", resource_id = "c-2", user_id = "carol", status = "PENDING", severity = "HIGH", ip_address = "2001:db8::7", service_name = "shop", source = "manual", category = "customer", description = "Refund requested for the customer" },
            new { id = Id(4), timestamp = s_start.AddHours(4), action = "EXPORT", resource_type = "Order", resource_id = "c-1", user_id = "bob", status = "SUCCESS", severity = "HIGH", ip_address = "10.0.0.2", service_name = "reports", source = "http", category = "orders", description = "Monthly export", trace_id = "trace-a" },
        ];
        (await (await ingest.PostAsJsonAsync($"{Logs}/batch", events)).ReadBatchResultAsync()).Accepted.ShouldBe(5);

        (string Query, int[] Expected)[] cases =
        [
            ("action=LOGIN", [0]),
            ("action=login-failed", [1]),
            ("resource=Customer", [2, 3]),
            ("resource_type=Order", [4]),
            ("resource_id=c-1", [2, 4]),
            ("resource=Customer&resource_id=c-1", [2]),
            ("user_id=alice", [0, 2]),
            ("status=failure", [1]),
            ("status=PENDING", [3]),
            ("severity=HIGH", [3, 4]),
            ("ip_address=10.0.0.2", [1, 4]),
            ("ip_address=2001:db8::7", [3]),
            ("service_name=shop", [2, 3]),
            ("category=auth", [0, 1]),
            ("log_type=orders", [4]),
            ("source=efcore", [2]),
            ("trace_id=trace-a", [2, 4]),
            ("search=refund", [3]),
            ("search=password", [1]),
            ($"from_date={Q(s_start.AddHours(1))}&to_date={Q(s_start.AddHours(3))}", [1, 2]),
            ($"from_date={Q(s_start.AddHours(3))}", [3, 4]),
            ($"to_date={Q(s_start.AddHours(1))}", [0]),
            ($"start_date={Q(s_start.AddHours(4))}", [4]),
            ("user_id=alice&severity=MEDIUM&service_name=shop", [2]),
            ("user_id=nobody", []),
        ];

        foreach (var (query, expected) in cases)
        {
            var page = await (await read.GetAsync($"{Logs}?{query}")).ReadPageAsync();
            var ids = page.Items.Where(static e => e.Category != "admin").Select(static e => e.Id).ToList();
            ids.ShouldBe(expected.Select(Id), ignoreOrder: true, customMessage: $"{query} on {server.Provider}");
        }
    }

    [Fact]
    public async Task Lists_newest_first_by_default_and_sorts_on_request()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var ids = Enumerable.Range(0, 4).Select(static i => AuditEventIds.New(s_start.AddMinutes(i))).ToArray();
        var events = new[] { ("MEDIUM", 0), ("CRITICAL", 1), ("LOW", 2), ("HIGH", 3) }
            .Select(e => new { id = ids[e.Item2], timestamp = s_start.AddMinutes(e.Item2), action = "READ", severity = e.Item1 })
            .ToArray();
        await ingest.PostAsJsonAsync($"{Logs}/batch", events);

        var newest = await (await read.GetAsync($"{Logs}?action=READ")).ReadPageAsync();
        var bySeverity = await (await read.GetAsync($"{Logs}?action=READ&sort_by=severity&sort_order=desc")).ReadPageAsync();
        var oldest = await (await read.GetAsync($"{Logs}?action=READ&sort_order=asc")).ReadPageAsync();

        newest.Items.Select(static e => e.Id).ShouldBe([ids[3], ids[2], ids[1], ids[0]]);
        bySeverity.Items.Select(static e => e.Severity).ShouldBe([AuditSeverity.Critical, AuditSeverity.High, AuditSeverity.Medium, AuditSeverity.Low]);
        oldest.Items.Select(static e => e.Id).ShouldBe([ids[0], ids[1], ids[2], ids[3]]);
        newest.Limit.ShouldBe(50);
        newest.Offset.ShouldBe(0);
    }

    [Fact]
    public async Task Offset_paging_reads_every_event_once()
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);
        var posted = await PostSeriesAsync(tenant, "PAGE", 25, s_start);

        var seen = new List<Guid>();
        for (var offset = 0; offset < 30; offset += 10)
        {
            var page = await (await read.GetAsync($"{Logs}?action=PAGE&limit=10&offset={offset}")).ReadPageAsync();
            page.Total.ShouldBe(25);
            page.Limit.ShouldBe(10);
            page.Offset.ShouldBe(offset);
            seen.AddRange(page.Items.Select(static e => e.Id));
        }

        seen.ShouldBe(posted.AsEnumerable().Reverse());
    }

    [Fact]
    public async Task Cursor_paging_has_no_duplicates_or_gaps_while_events_arrive()
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);
        var original = await PostSeriesAsync(tenant, "SCAN", 30, s_start);

        var seen = new List<Guid>();
        var arrivedNewer = new List<Guid>();
        var arrivedOlder = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = cursor is null ? $"{Logs}?action=SCAN&limit=7" : $"{Logs}?action=SCAN&limit=7&cursor={cursor}";
            var page = await (await read.GetAsync(url)).ReadPageAsync();
            page.Items.Count.ShouldBeLessThanOrEqualTo(7);
            seen.AddRange(page.Items.Select(static e => e.Id));
            cursor = page.NextCursor;

            // Between pages: events newer than everything (before the cursor) and older than everything (after it).
            arrivedNewer.AddRange(await PostSeriesAsync(tenant, "SCAN", 2, s_start.AddDays(1).AddMinutes(pages * 2)));
            arrivedOlder.AddRange(await PostSeriesAsync(tenant, "SCAN", 1, s_start.AddDays(-1).AddMinutes(-pages)));
            pages++;
            pages.ShouldBeLessThan(30, "the cursor never ended");
        }
        while (cursor is not null);

        seen.ShouldBeUnique();
        seen.Take(original.Count).ShouldBe(original.AsEnumerable().Reverse(), "every original event, newest first, none skipped");
        seen.ShouldNotContain(id => arrivedNewer.Contains(id), "events newer than the cursor belong to pages already read");
        seen.Skip(original.Count).ShouldBe(
            arrivedOlder.Take(arrivedOlder.Count - 1),
            "older events that arrived before the last page follow in order (the one posted after it is not read)");
    }

    [Fact]
    public async Task Cursor_paging_follows_other_sort_fields_with_ties()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var events = Enumerable.Range(0, 20)
            .Select(i => new { id = AuditEventIds.New(s_start.AddSeconds(i)), timestamp = s_start.AddSeconds(i), action = "TIE", user_id = $"user-{i % 4}" })
            .ToArray();
        await ingest.PostAsJsonAsync($"{Logs}/batch", events);

        var seen = new List<AuditEvent>();
        string? cursor = null;
        do
        {
            var url = $"{Logs}?action=TIE&limit=3&sort_by=user_id&sort_order=asc&include_total=false" + (cursor is null ? string.Empty : $"&cursor={cursor}");
            var page = await (await read.GetAsync(url)).ReadPageAsync();
            page.Total.ShouldBeNull();
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null && seen.Count < 40);

        seen.Select(static e => e.Id).ShouldBe(events.Select(static e => e.id), ignoreOrder: true);
        seen.Select(static e => e.UserId).ShouldBeInOrder(SortDirection.Ascending, StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=many", "limit")]
    [InlineData("offset=-5", "offset")]
    [InlineData("sort_by=secret_column", "sort_by")]
    [InlineData("sort_order=up", "sort_order")]
    [InlineData("from_date=2025-02-01T00:00:00Z&to_date=2025-01-01T00:00:00Z", "from_date")]
    [InlineData("from_date=01/02/2025", "from_date")]
    [InlineData("to_date=soon", "to_date")]
    [InlineData("severity=HUGE", "severity")]
    [InlineData("status=maybe", "status")]
    [InlineData("ip_address=localhost", "ip_address")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task A_bad_filter_is_a_validation_problem_naming_it(string query, string field)
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        await (await read.GetAsync($"{Logs}?{query}")).ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task Another_tenants_events_are_invisible()
    {
        var owner = await server.CreateTenantAsync();
        var stranger = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(owner.IngestKey);
        using var ownerRead = server.CreateClient(owner.ReadKey);
        using var strangerRead = server.CreateClient(stranger.ReadKey);
        var created = await (await ingest.PostAsJsonAsync(Logs, new { action = "SECRET_THING", resource_id = "vault" })).ReadEventAsync();

        (await ownerRead.GetAsync($"{Logs}/{created.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await strangerRead.GetAsync($"{Logs}/{created.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await (await strangerRead.GetAsync($"{Logs}?action=SECRET_THING")).ReadPageAsync()).Total.ShouldBe(0);
        (await (await strangerRead.GetAsync($"{Logs}?resource_id=vault")).ReadPageAsync()).Items.ShouldBeEmpty();
        var everything = await (await strangerRead.GetAsync($"{Logs}?limit=1000")).ReadPageAsync();
        everything.Items.ShouldAllBe(e => e.TenantId == stranger.Id);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("not-a-uuid")]
    [InlineData("0195f1a2-0000-7000-8000-000000000000")]
    public async Task An_unknown_or_malformed_id_is_not_found(string id)
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        await (await read.GetAsync($"{Logs}/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<List<Guid>> PostSeriesAsync(TestTenant tenant, string action, int count, DateTimeOffset from)
    {
        using var ingest = server.CreateClient(tenant.IngestKey);
        var events = Enumerable.Range(0, count)
            .Select(i => new { id = AuditEventIds.New(from.AddSeconds(i)), timestamp = from.AddSeconds(i), action })
            .ToArray();
        (await (await ingest.PostAsJsonAsync($"{Logs}/batch", events)).ReadBatchResultAsync()).Accepted.ShouldBe(count);
        return [.. events.Select(static e => e.id)];
    }

    // Event i is stamped s_start + i hours; its id is a UUIDv7 of that time (the id rule), told apart by i.
    private static Guid Id(int i) =>
        Guid.Parse($"{s_start.AddHours(i).ToUnixTimeMilliseconds():x12}-7000-8000-{i:D12}".Insert(8, "-"));
}

public sealed class SqliteAuditLogQueryTests(SqliteServerFixture server) : AuditLogQueryTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAuditLogQueryTests(PostgresServerFixture server) : AuditLogQueryTests(server), IClassFixture<PostgresServerFixture>;
