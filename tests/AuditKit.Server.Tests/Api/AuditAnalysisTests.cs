using static AuditKit.Server.Tests.Api.AuditAnalysisFixtureEvents;

namespace AuditKit.Server.Tests.Api;

/// <summary>
/// Resource history, user activity and IP history, critical, failed authentication, by type and summary, against
/// the hand-checked events of <see cref="AuditAnalysisFixtureEvents"/>, on SQLite and PostgreSQL.
/// </summary>
public abstract class AuditAnalysisTests(AuditKitServerFixture server)
{
    private const string Logs = "/api/v1/audit-logs";

    [Fact]
    public async Task Resource_history_is_the_resources_events_newest_first_with_their_changes()
    {
        using var read = await ArrangeAsync();

        var page = await (await read.GetAsync($"{Logs}/resource/Customer/c-1")).ReadPageAsync();

        page.Items.Select(static e => e.Id).ShouldBe([Id(5), Id(4)]);
        page.Total.ShouldBe(2);
        page.Items[0].Changes!.Single().Property.ShouldBe("Status");
        page.Items[1].Changes!.Single().New!.GetValue<string>().ShouldBe("Paris");
        (await (await read.GetAsync($"{Logs}/resource/Customer/c-2")).ReadPageAsync()).Items.Select(static e => e.Id).ShouldBe([Id(6)]);
        (await (await read.GetAsync($"{Logs}/resource/Order/c-1")).ReadPageAsync()).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task User_activity_pages_and_filters_by_log_type()
    {
        using var read = await ArrangeAsync();

        var all = await (await read.GetAsync($"{Logs}/user/alice")).ReadPageAsync();
        var paged = await (await read.GetAsync($"{Logs}/user/alice?limit=2&offset=1")).ReadPageAsync();
        var customer = await (await read.GetAsync($"{Logs}/user/alice?log_type=customer")).ReadPageAsync();

        all.Items.Select(static e => e.Id).ShouldBe([Id(8), Id(7), Id(5), Id(4), Id(0)]);
        all.Total.ShouldBe(5);
        all.TotalExact.ShouldBe(true);
        paged.Items.Select(static e => e.Id).ShouldBe([Id(7), Id(5)]);
        (paged.Total, paged.Limit, paged.Offset).ShouldBe((5L, 2, 1));
        customer.Items.Select(static e => e.Id).ShouldBe([Id(5), Id(4)]);
    }

    [Fact]
    public async Task Ip_history_lists_each_address_with_first_and_last_seen_and_count()
    {
        using var read = await ArrangeAsync();

        var history = await ReadGroupsAsync(await read.GetAsync($"{Logs}/user/alice/ip-history"));
        var later = await ReadGroupsAsync(await read.GetAsync($"{Logs}/user/alice/ip-history?from_date={Q(At(100))}"));
        var second = await ReadGroupsAsync(await read.GetAsync($"{Logs}/user/alice/ip-history?limit=1&offset=1"));

        history.GroupBy.ShouldBe("ip_address");
        history.UserId.ShouldBe("alice");
        history.Total.ShouldBe(2);
        history.Items.ShouldBe(
        [
            new AuditGroupItem("10.0.0.1", null, 3, At(0), At(210)),
            new AuditGroupItem("10.0.0.2", null, 2, At(100), At(170)),
        ]);
        later.Items.ShouldBe(
        [
            new AuditGroupItem("10.0.0.1", null, 1, At(210), At(210)),
            new AuditGroupItem("10.0.0.2", null, 2, At(100), At(170)),
        ]);
        second.Items.Select(static i => i.IpAddress).ShouldBe(["10.0.0.2"]);
        second.Total.ShouldBe(2);
    }

    [Fact]
    public async Task User_and_resource_ids_with_a_slash_are_found_by_their_history_routes()
    {
        var tenant = await server.CreateTenantAsync();
        using (var ingest = server.CreateClient(tenant.IngestKey))
        {
            object[] events =
            [
                new { action = "UPDATE", resource_type = "Order", resource_id = "orders/17", user_id = "svc/backup", ip_address = "10.1.2.3" },
                new { action = "UPDATE", resource_type = "Order", resource_id = "orders", user_id = "svc", ip_address = "10.1.2.4" },
            ];
            await (await ingest.PostAsJsonAsync($"{Logs}/batch", events)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        }

        using var read = server.CreateClient(tenant.ReadKey);
        foreach (var path in (string[])[$"{Logs}/user/svc%2Fbackup", $"{Logs}/user/svc%2fbackup", $"{Logs}/resource/Order/orders%2F17", $"{Logs}/resource/Order/orders/17"])
        {
            var page = await (await read.GetAsync(path)).ReadPageAsync();
            page.Items.Select(static e => (e.UserId, e.ResourceId)).ShouldBe([("svc/backup", "orders/17")], path);
        }

        var ips = await ReadGroupsAsync(await read.GetAsync($"{Logs}/user/svc%2Fbackup/ip-history"));
        ips.UserId.ShouldBe("svc/backup");
        ips.Items.Select(static g => g.IpAddress).ShouldBe(["10.1.2.3"]);
        (await (await read.GetAsync($"{Logs}/user/svc")).ReadPageAsync()).Items.Select(static e => e.ResourceId).ShouldBe(["orders"]);
        (await read.GetAsync($"{Logs}/resource/Order/")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_log_type_with_a_slash_is_found_by_its_route_and_an_event_id_with_one_is_not_found()
    {
        var tenant = await server.CreateTenantAsync();
        using (var ingest = server.CreateClient(tenant.IngestKey))
        {
            object[] events =
            [
                new { action = "UPDATE", resource_type = "Order", resource_id = "o-1", log_type = "ops/billing" },
                new { action = "UPDATE", resource_type = "Order", resource_id = "o-2", log_type = "ops" },
            ];
            await (await ingest.PostAsJsonAsync($"{Logs}/batch", events)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        }

        using var read = server.CreateClient(tenant.ReadKey);
        foreach (var path in (string[])[$"{Logs}/type/ops%2Fbilling", $"{Logs}/type/ops%2fbilling", $"{Logs}/type/ops/billing"])
        {
            var page = await (await read.GetAsync(path)).ReadPageAsync();
            page.Items.Select(static e => e.ResourceId).ShouldBe(["o-1"], path);
        }

        (await (await read.GetAsync($"{Logs}/type/ops")).ReadPageAsync()).Items.Select(static e => e.ResourceId).ShouldBe(["o-2"]);
        (await read.GetAsync($"{Logs}/type/")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        foreach (var path in (string[])[$"{Logs}/{Guid.NewGuid()}%2Fx", $"{Logs}/a%2Fb"])
        {
            (await read.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }
    }

    [Fact]
    public async Task Critical_lists_only_critical_events()
    {
        using var read = await ArrangeAsync();

        var page = await (await read.GetAsync($"{Logs}/critical?to_date={Q(At(240))}")).ReadPageAsync();
        var mallory = await (await read.GetAsync($"{Logs}/critical?user_id=mallory&sort_order=asc")).ReadPageAsync();

        page.Items.Select(static e => e.Id).ShouldBe([Id(7), Id(2), Id(1)]);
        mallory.Items.Select(static e => e.Id).ShouldBe([Id(1), Id(2)]);
    }

    [Fact]
    public async Task Failed_auth_lists_failed_logins_or_groups_them_by_ip_or_user()
    {
        using var read = await ArrangeAsync();

        var events = await (await read.GetAsync($"{Logs}/failed-auth")).ReadPageAsync();
        var byIp = await ReadGroupsAsync(await read.GetAsync($"{Logs}/failed-auth?group_by=ip"));
        var byUser = await ReadGroupsAsync(await read.GetAsync($"{Logs}/failed-auth?group_by=user"));
        var since = await ReadGroupsAsync(await read.GetAsync($"{Logs}/failed-auth?group_by=user&from_date={Q(At(15))}"));

        events.Items.Select(static e => e.Id).ShouldBe([Id(3), Id(2), Id(1)]);
        byIp.GroupBy.ShouldBe("ip_address");
        byIp.Items.ShouldBe(
        [
            new AuditGroupItem("203.0.113.9", null, 2, At(10), At(20)),
            new AuditGroupItem("198.51.100.4", null, 1, At(30), At(30)),
        ]);
        byUser.GroupBy.ShouldBe("user_id");
        byUser.Items.ShouldBe(
        [
            new AuditGroupItem(null, "mallory", 2, At(10), At(20)),
            new AuditGroupItem(null, "bob", 1, At(30), At(30)),
        ]);
        since.Items.Select(static i => (i.UserId, i.Count)).ShouldBe([("bob", 1L), ("mallory", 1L)]);
    }

    [Fact]
    public async Task By_type_lists_a_category_within_start_and_end_dates()
    {
        using var read = await ArrangeAsync();

        var all = await (await read.GetAsync($"{Logs}/type/customer?limit=100&offset=0")).ReadPageAsync();
        var from = await (await read.GetAsync($"{Logs}/type/customer?start_date={Q(At(90))}")).ReadPageAsync();
        var to = await (await read.GetAsync($"{Logs}/type/customer?end_date={Q(At(120))}")).ReadPageAsync();

        all.Items.Select(static e => e.Id).ShouldBe([Id(6), Id(5), Id(4)]);
        (all.Total, all.Limit, all.Offset).ShouldBe((3L, 100, 0));
        from.Items.Select(static e => e.Id).ShouldBe([Id(6), Id(5)]);
        to.Items.Select(static e => e.Id).ShouldBe([Id(5), Id(4)]);
    }

    [Fact]
    public async Task Summary_counts_by_every_dimension_and_hour()
    {
        using var read = await ArrangeAsync();

        var summary = await ReadSummaryAsync(await read.GetAsync($"{Logs}/summary?from_date={Q(T0)}&to_date={Q(At(240))}&top=2"));

        summary.Total.ShouldBe(9);
        summary.Bucket.ShouldBe("hour");
        Pairs(summary.ByAction).ShouldBe([("LOGIN", 2), ("LOGIN_FAILED", 2), ("UPDATE", 2), ("DELETE", 1), ("EXPORT", 1), ("PERMISSION_GRANT", 1)]);
        Pairs(summary.BySeverity).ShouldBe([("CRITICAL", 3), ("HIGH", 3), ("MEDIUM", 2), ("LOW", 1)]);
        Pairs(summary.ByStatus).ShouldBe([("SUCCESS", 6), ("FAILURE", 3)]);
        Pairs(summary.ByService).ShouldBe([("portal", 4), ("shop", 3), ("admin-api", 1), ("reports", 1)]);
        Pairs(summary.TopUsers).ShouldBe([("alice", 5), ("bob", 2)]);
        Pairs(summary.TopIps).ShouldBe([("10.0.0.1", 3), ("10.0.0.2", 2)]);
        summary.TimeBuckets.Select(static b => (b.Start, b.Count)).ShouldBe([(T0, 4L), (At(60), 2L), (At(120), 2L), (At(180), 1L)]);
    }

    [Fact]
    public async Task Summary_answers_its_fields_in_the_documented_order()
    {
        using var read = await ArrangeAsync();

        using var response = await read.GetAsync($"{Logs}/summary?from_date={Q(T0)}&to_date={Q(At(240))}");
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        json.RootElement.EnumerateObject().Select(static p => p.Name).ShouldBe(
            ["from", "to", "bucket", "total", "by_action", "by_severity", "by_status", "by_service", "top_users", "top_ips", "time_buckets"]);
    }

    [Fact]
    public async Task Summary_takes_filters_day_buckets_and_shows_empty_buckets()
    {
        using var read = await ArrangeAsync();

        var shop = await ReadSummaryAsync(await read.GetAsync($"{Logs}/summary?from_date={Q(T0)}&to_date={Q(At(240))}&service_name=shop"));
        var days = await ReadSummaryAsync(await read.GetAsync($"{Logs}/summary?from_date={Q(T0.AddDays(-1))}&to_date={Q(T0.AddDays(2))}&bucket=day"));
        var empty = await ReadSummaryAsync(await read.GetAsync($"{Logs}/summary?from_date={Q(T0.AddDays(1))}&to_date={Q(T0.AddDays(1).AddHours(3))}"));

        shop.Total.ShouldBe(3);
        Pairs(shop.ByAction).ShouldBe([("UPDATE", 2), ("DELETE", 1)]);
        shop.TimeBuckets.Select(static b => b.Count).ShouldBe([0L, 2L, 1L, 0L]);
        days.Bucket.ShouldBe("day");
        days.TimeBuckets.Select(static b => (b.Start, b.Count)).ShouldBe(
            [(T0.Date.AddDays(-1), 0L), (new DateTimeOffset(T0.Date, TimeSpan.Zero), 9L), (T0.Date.AddDays(1), 0L), (T0.Date.AddDays(2), 0L)]);
        empty.Total.ShouldBe(0);
        empty.ByAction.ShouldBeEmpty();
        empty.TopUsers.ShouldBeEmpty();
        empty.TimeBuckets.Select(static b => b.Count).ShouldBe([0L, 0L, 0L]);
    }

    [Fact]
    public async Task Summary_defaults_to_the_last_24_hours()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var now = server.Time.GetUtcNow();
        object[] events =
        [
            new { timestamp = now.AddHours(-2), action = "RECENT" },
            new { timestamp = now.AddHours(-30), action = "OLD" },
        ];
        await ingest.PostAsJsonAsync($"{Logs}/batch", events);

        var summary = await ReadSummaryAsync(await read.GetAsync($"{Logs}/summary?action=RECENT"));
        var old = await ReadSummaryAsync(await read.GetAsync($"{Logs}/summary?action=OLD"));

        summary.Total.ShouldBe(1);
        (summary.To - summary.From).ShouldBe(TimeSpan.FromHours(24));
        summary.TimeBuckets.Count.ShouldBeInRange(24, 25);
        old.Total.ShouldBe(0);
    }

    [Fact]
    public async Task Another_tenants_events_are_invisible_on_every_endpoint()
    {
        var owner = await server.CreateTenantAsync();
        var stranger = await server.CreateTenantAsync();
        await PostAsync(server, owner);
        await PostStrangerAsync(server, stranger);
        using var read = server.CreateClient(stranger.ReadKey);
        var range = $"from_date={Q(T0)}&to_date={Q(At(240))}";

        async Task<List<AuditEvent>> Events(string url) => [.. (await (await read.GetAsync(url)).ReadPageAsync()).Items];

        (await Events($"{Logs}/resource/Customer/c-1")).Count.ShouldBe(1);
        (await Events($"{Logs}/resource/Customer/c-2")).ShouldBeEmpty();
        (await Events($"{Logs}/user/alice")).Count.ShouldBe(2);
        (await Events($"{Logs}/user/bob")).ShouldBeEmpty();
        (await Events($"{Logs}/critical?{range}")).Count.ShouldBe(2);
        (await Events($"{Logs}/failed-auth")).Count.ShouldBe(2);
        (await Events($"{Logs}/type/customer")).Count.ShouldBe(1);
        (await Events($"{Logs}/type/rbac")).ShouldBeEmpty();
        var everything = new[] { "resource/Customer/c-1", "user/alice", $"critical?{range}", "failed-auth", "type/customer", "type/auth" };
        foreach (var url in everything)
        {
            (await Events($"{Logs}/{url}")).ShouldAllBe(e => e.TenantId == stranger.Id, url);
        }

        (await ReadGroupsAsync(await read.GetAsync($"{Logs}/user/alice/ip-history"))).Items.Select(static i => (i.IpAddress, i.Count))
            .ShouldBe([("10.9.9.9", 1L), ("10.0.0.1", 1L)]);
        (await ReadGroupsAsync(await read.GetAsync($"{Logs}/user/bob/ip-history"))).Items.ShouldBeEmpty();
        (await ReadGroupsAsync(await read.GetAsync($"{Logs}/failed-auth?group_by=ip"))).Items.Select(static i => (i.IpAddress, i.Count))
            .ShouldBe([("10.9.9.9", 1L), ("203.0.113.9", 1L)], ignoreOrder: true);
        (await ReadGroupsAsync(await read.GetAsync($"{Logs}/failed-auth?group_by=user"))).Items.Select(static i => (i.UserId, i.Count))
            .ShouldBe([("alice", 1L), ("mallory", 1L)], ignoreOrder: true);
        var summary = await ReadSummaryAsync(await read.GetAsync($"{Logs}/summary?{range}"));
        summary.Total.ShouldBe(3);
        Pairs(summary.TopUsers).ShouldBe([("alice", 2), ("mallory", 1)]);

        var json = await read.GetAsync($"{Logs}/export?{range}");
        using var exported = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        exported.RootElement.EnumerateArray().Select(static e => e.GetProperty("tenant_id").GetString()).ShouldBe([stranger.Id, stranger.Id, stranger.Id]);
        var csv = await (await read.GetAsync($"{Logs}/export?format=csv&{range}")).Content.ReadAsStringAsync();
        AuditCsv.Parse(csv).Skip(1).Select(static r => r[3]).ShouldBe([stranger.Id, stranger.Id, stranger.Id]);
    }

    [Fact]
    public async Task Literal_routes_are_not_taken_for_an_event_id()
    {
        using var read = await ArrangeAsync();

        foreach (var route in new[] { "critical", "failed-auth", "summary", "export" })
        {
            var response = await read.GetAsync($"{Logs}/{route}");
            await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        }

        (await (await read.GetAsync($"{Logs}/{Id(4)}")).ReadEventAsync()).Id.ShouldBe(Id(4));
    }

    [Fact]
    public async Task The_ingest_role_cannot_read_any_of_them()
    {
        var tenant = await server.CreateTenantAsync();
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var anonymous = server.CreateClient();

        foreach (var route in new[] { "resource/Customer/c-1", "user/alice", "user/alice/ip-history", "critical", "failed-auth", "type/auth", "summary", "export" })
        {
            await (await ingest.GetAsync($"{Logs}/{route}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            await (await anonymous.GetAsync($"{Logs}/{route}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    public static TheoryData<string, string> BadQueries()
    {
        var data = new TheoryData<string, string>();
        string[] routes = ["resource/Customer/c-1", "user/alice", "user/alice/ip-history", "critical", "failed-auth", "type/auth", "summary", "export"];
        (string Query, string Field)[] bad =
        [
            ("sort_by=secret_column", "sort_by"),
            ("from_date=2025-02-01T00:00:00Z&to_date=2025-01-01T00:00:00Z", "from_date"),
            ("limit=1001", "limit"),
            ("from_date=yesterday", "from_date"),
            ("to_date=2025-13-45", "to_date"),
        ];
        foreach (var route in routes)
        {
            foreach (var (query, field) in bad)
            {
                data.Add($"{route}{(route.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{query}", field);
            }
        }

        data.Add("export?format=xml", "format");
        data.Add("summary?bucket=week", "bucket");
        data.Add("summary?top=0", "top");
        data.Add("summary?top=101", "top");
        data.Add("summary?bucket=hour&from_date=2024-01-01T00:00:00Z&to_date=2025-01-01T00:00:00Z", "bucket");
        data.Add("failed-auth?group_by=country", "group_by");
        data.Add("user/alice?user_id=bob", "user_id");
        data.Add("user/alice/ip-history?user_id=bob", "user_id");
        data.Add("resource/Customer/c-1?resource=Order", "resource");
        data.Add("resource/Customer/c-1?resource_id=c-2", "resource_id");
        data.Add("critical?severity=LOW", "severity");
        data.Add("type/auth?log_type=customer", "category");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_bad_query_is_a_validation_problem_naming_the_parameter(string query, string field)
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);

        await (await read.GetAsync($"{Logs}/{query}")).ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task The_list_total_is_capped_unless_an_exact_count_is_asked_for()
    {
        var tenant = await server.CreateTenantAsync();
        using var read = server.CreateClient(tenant.ReadKey);
        await PostAsync(server, tenant);
        await using var capped = server.Factory.WithWebHostBuilder(b => b.UseSetting("AuditKit:TotalCountCap", "3"));
        using var cappedRead = capped.CreateClient();
        cappedRead.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ReadKey);

        var atCap = await (await cappedRead.GetAsync($"{Logs}/user/alice?limit=2")).ReadPageAsync();
        var exact = await (await cappedRead.GetAsync($"{Logs}/user/alice?limit=2&include_total=exact")).ReadPageAsync();
        var under = await (await cappedRead.GetAsync($"{Logs}/user/bob")).ReadPageAsync();

        (atCap.Total, atCap.TotalExact).ShouldBe((3L, false));
        atCap.Items.Count.ShouldBe(2);
        (exact.Total, exact.TotalExact).ShouldBe((5L, true));
        (under.Total, under.TotalExact).ShouldBe((2L, true));
    }

    [Fact]
    public async Task A_full_text_search_counts_its_total_like_any_list()
    {
        using var read = await ArrangeAsync();

        var plain = await (await read.GetAsync($"{Logs}?search=password")).ReadPageAsync();
        var uncounted = await (await read.GetAsync($"{Logs}?search=password&include_total=false")).ReadPageAsync();
        var exact = await (await read.GetAsync($"{Logs}?search=password&include_total=exact")).ReadPageAsync();

        plain.Items.Select(static e => e.Id).ShouldBe([Id(2), Id(1)]);
        (plain.Total, plain.TotalExact).ShouldBe((2L, true));
        (uncounted.Total, uncounted.TotalExact).ShouldBe((null, null));
        (exact.Total, exact.TotalExact).ShouldBe((2L, true));
    }

    private async Task<HttpClient> ArrangeAsync()
    {
        var tenant = await server.CreateTenantAsync();
        await PostAsync(server, tenant);
        return server.CreateClient(tenant.ReadKey);
    }

    private static List<(string?, long)> Pairs(IEnumerable<AuditKit.Server.Storage.AuditCount> counts) =>
        [.. counts.Select(static c => (c.Key, c.Count))];

    private static async Task<AuditGroupListResponse> ReadGroupsAsync(HttpResponseMessage response)
    {
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AuditGroupListResponse>(AuditKitServerFixture.Json))!;
    }

    private static async Task<AuditSummaryResponse> ReadSummaryAsync(HttpResponseMessage response)
    {
        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AuditSummaryResponse>(AuditKitServerFixture.Json))!;
    }
}

public sealed class SqliteAuditAnalysisTests(SqliteServerFixture server) : AuditAnalysisTests(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresAuditAnalysisTests(PostgresServerFixture server) : AuditAnalysisTests(server), IClassFixture<PostgresServerFixture>;
