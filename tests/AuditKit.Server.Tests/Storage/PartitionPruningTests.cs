namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// Time-range queries prune PostgreSQL's time partitions (a fresh database for this class, monthly partitions from
/// August 2024): the plan of a range names only the partitions its ids can lie in, and what a range finds is what
/// the same range finds by <c>timestamp</c> alone, also across a partition's bound and at the id rule's tolerance.
/// </summary>
public sealed class PartitionPruningTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    private static readonly DateTimeOffset s_bound = PartitionPlans.Bound;

    [Fact]
    public async Task A_time_range_query_plans_only_the_partitions_of_its_range()
    {
        await server.EnsureMonthlyPartitionsAsync();
        var tenant = await server.CreateTenantAsync("plan");
        (await server.ScalarAsync("SELECT auditkit_event_ids_follow_time()")).ShouldBe(true);

        var inside = await PlanAsync(tenant.Id, new AuditEventQuery { From = new(2024, 11, 10, 0, 0, 0, TimeSpan.Zero), To = new(2024, 11, 20, 0, 0, 0, TimeSpan.Zero) });
        PartitionPlans.Partitions(inside).ShouldBe(["audit_events_p20241101"]);

        var across = await PlanAsync(tenant.Id, new AuditEventQuery { From = s_bound.AddMinutes(-30), To = s_bound.AddMinutes(30), Search = "invoice" });
        PartitionPlans.Partitions(across).ShouldBe(["audit_events_p20241101", "audit_events_p20241201"]);

        // The tolerance reaches into the next partition: an event stamped just before the bound may have an id after it.
        var edge = await PlanAsync(tenant.Id, new AuditEventQuery { From = s_bound.AddHours(-3), To = s_bound.AddMinutes(-30) });
        PartitionPlans.Partitions(edge).ShouldBe(["audit_events_p20241101", "audit_events_p20241201"]);

        // A grouped count over the same range, as the summary and the group lists build on the filter.
        var summary = await PlanAsync(tenant.Id, new AuditEventQuery { From = new(2024, 11, 10, 0, 30, 0, TimeSpan.Zero), To = new(2024, 11, 12, 0, 30, 0, TimeSpan.Zero) }, summary: true);
        PartitionPlans.Partitions(summary).ShouldBe(["audit_events_p20241101"]);

        var open = await PlanAsync(tenant.Id, new AuditEventQuery());
        PartitionPlans.Partitions(open).ShouldContain("audit_events_default");
    }

    [Fact]
    public async Task A_time_range_finds_what_its_timestamps_alone_find_across_a_partitions_bound()
    {
        await server.EnsureMonthlyPartitionsAsync();
        var tenant = await server.CreateTenantAsync("edge");
        using var ingest = server.CreateClient(tenant.IngestKey);
        using var read = server.CreateClient(tenant.ReadKey);
        var tick = TimeSpan.FromMilliseconds(1);
        var t = EventIdRule.Tolerance;
        var stamped = new (DateTimeOffset At, TimeSpan IdOffset)[]
        {
            (s_bound - tick, t), (s_bound - TimeSpan.FromMinutes(30), -t), (s_bound, -t), (s_bound + TimeSpan.FromMinutes(59), t),
            (s_bound + TimeSpan.FromHours(1), TimeSpan.Zero), (s_bound - TimeSpan.FromDays(3), t), (s_bound + TimeSpan.FromDays(2), -t),
        };
        var events = stamped.Select(static s => (object)new
        {
            id = AuditEventIds.New(s.At + s.IdOffset), action = "READ", timestamp = s.At.ToString("O", CultureInfo.InvariantCulture), description = "invoice",
        }).ToArray();
        (await (await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", events)).ReadBatchResultAsync()).Accepted.ShouldBe(stamped.Length);
        (await server.ScalarAsync($"SELECT count(*) FROM audit_events_p20241201 WHERE tenant_id = '{tenant.Id}' AND timestamp < '{s_bound:O}'")).ShouldBe(1L);
        (await server.ScalarAsync($"SELECT count(*) FROM audit_events_p20241101 WHERE tenant_id = '{tenant.Id}' AND timestamp >= '{s_bound:O}'")).ShouldBe(1L);

        foreach (var (from, to) in new[]
        {
            (s_bound - TimeSpan.FromHours(1), s_bound), (s_bound, s_bound + TimeSpan.FromHours(1)), (s_bound - tick, s_bound + tick),
            (s_bound - TimeSpan.FromDays(5), s_bound + TimeSpan.FromDays(5)), (s_bound + TimeSpan.FromHours(1), s_bound + TimeSpan.FromDays(1)),
            (s_bound - TimeSpan.FromDays(3), s_bound - TimeSpan.FromDays(3) + tick),
        })
        {
            var url = $"/api/v1/audit-logs?from_date={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}" +
                $"&to_date={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}&limit=100";
            var listed = (await (await read.GetAsync(url)).ReadPageAsync()).Items.Select(static e => e.Id).Order().ToList();
            var searched = (await (await read.GetAsync(url + "&search=invoice")).ReadPageAsync()).Items.Select(static e => e.Id).Order().ToList();
            var byTimestamp = await IdsAsync(tenant.Id, from, to);
            listed.ShouldBe(byTimestamp, $"{from:O}..{to:O}");
            searched.ShouldBe(byTimestamp, $"{from:O}..{to:O}");
        }
    }

    private async Task<string> PlanAsync(string tenantId, AuditEventQuery query, bool summary = false)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        var sql = AuditEventSql.Build(PostgresSqlDialect.Instance, tenantId, query with { Limit = 50 });
        command.CommandText = "EXPLAIN " + (summary
            ? $"SELECT e.action, count(*) FROM audit_events e WHERE {sql.WhereSql} GROUP BY e.action"
            : sql.PageSql);
        sql.Bind(command);
        return await PartitionPlans.ReadPlanAsync(command);
    }

    private async Task<List<Guid>> IdsAsync(string tenantId, DateTimeOffset from, DateTimeOffset to)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM audit_events WHERE tenant_id = @t AND timestamp >= @from AND timestamp < @to ORDER BY id";
        DbParameters.Add(command, "@t", tenantId);
        DbParameters.Add(command, "@from", from);
        DbParameters.Add(command, "@to", to);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return [.. ids.Order()];
    }
}
