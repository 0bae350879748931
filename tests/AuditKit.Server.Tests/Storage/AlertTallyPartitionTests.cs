namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// An alert's recount on PostgreSQL's time partitions (a fresh database for this class, monthly partitions from
/// August 2024): its reads of <c>audit_events</c> are bounded by the ids of the alert's span, so the plan names only
/// the partitions of that span, and the count and evidence are still every event the span holds by timestamp, also
/// events whose ids lie in the next month's partition at the id rule's tolerance.
/// </summary>
public sealed partial class AlertTallyPartitionTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    private static readonly DateTimeOffset s_bound = PartitionPlans.Bound;
    private static readonly EventTally s_byUser = new("e.user_id = {key}");

    [Fact]
    public async Task An_alerts_recount_plans_only_the_partitions_of_its_span()
    {
        await server.EnsureMonthlyPartitionsAsync();
        var tenant = await server.CreateTenantAsync("tallyplan");
        var inside = await PlanAsync(tenant.Id, new(2024, 11, 10, 0, 0, 0, TimeSpan.Zero), new(2024, 11, 20, 0, 0, 0, TimeSpan.Zero), s_byUser);
        PartitionPlans.Partitions(inside).ShouldBe(["audit_events_p20241101"]);

        // The tolerance (and the minute a rate alert's last_seen stands for) reaches into the next partition.
        var edge = await PlanAsync(tenant.Id, s_bound.AddHours(-3), s_bound.AddMinutes(-30), s_byUser);
        PartitionPlans.Partitions(edge).ShouldBe(["audit_events_p20241101", "audit_events_p20241201"]);

        var rate = await PlanAsync(tenant.Id, new(2024, 11, 10, 0, 0, 0, TimeSpan.Zero), new(2024, 11, 10, 0, 5, 0, TimeSpan.Zero), RateTally.Instance);
        PartitionPlans.Partitions(rate).ShouldBe(["audit_events_p20241101"]);
    }

    [Fact]
    public async Task An_alerts_count_and_evidence_are_the_events_its_span_holds_across_a_partitions_bound()
    {
        await server.EnsureMonthlyPartitionsAsync();
        var tenant = await server.CreateTenantAsync("tallyedge");
        using var ingest = server.CreateClient(tenant.IngestKey);
        var tick = TimeSpan.FromMilliseconds(1);
        var t = EventIdRule.Tolerance;
        var stamped = new (DateTimeOffset At, TimeSpan IdOffset)[]
        {
            (s_bound - TimeSpan.FromHours(2), -t), (s_bound - TimeSpan.FromMinutes(30), t), (s_bound - tick, t), (s_bound - tick, -t),
            (s_bound + TimeSpan.FromMinutes(10), -t), (s_bound + TimeSpan.FromHours(3), TimeSpan.Zero), (s_bound - TimeSpan.FromDays(2), TimeSpan.Zero),
        };
        var events = stamped.Select(static s => (object)new
        {
            id = AuditEventIds.New(s.At + s.IdOffset), action = "UPDATE", timestamp = s.At.ToString("O", CultureInfo.InvariantCulture), user_id = "u-tally",
        }).ToArray();
        (await (await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", events)).ReadBatchResultAsync()).Accepted.ShouldBe(stamped.Length);

        // The span ends a millisecond before the bound: the events stamped then, with ids an hour either side, count.
        var first = s_bound - TimeSpan.FromHours(2);
        var last = s_bound - tick;
        var match = new AlertMatch("test-rule", "user", "u-tally", AuditSeverity.High, first, last, "{}", s_byUser);
        var store = server.Factory.Services.GetRequiredService<IDetectionStore>();
        await using (var session = await store.BeginPassAsync(tenant.Id, default))
        {
            (await session.WriteAlertsAsync([match], server.Time.GetUtcNow(), 10, default)).Count.ShouldBe(1);
            await session.CommitAsync(default);
        }

        var expected = await IdsAsync($"SELECT id FROM audit_events WHERE tenant_id = '{tenant.Id}' AND user_id = 'u-tally' " +
            $"AND timestamp >= '{first:O}' AND timestamp <= '{last:O}' ORDER BY timestamp DESC, id DESC");
        expected.Count.ShouldBe(4);
        (await server.ScalarAsync($"SELECT event_count FROM alerts WHERE tenant_id = '{tenant.Id}' AND rule = 'test-rule'")).ShouldBe(4L);
        var evidence = (string)(await server.ScalarAsync($"SELECT evidence::text FROM alerts WHERE tenant_id = '{tenant.Id}' AND rule = 'test-rule'"))!;
        GuidPattern().Matches(evidence).Select(static m => Guid.Parse(m.Value)).ShouldBe(expected);
    }

    // EXPLAIN of the recount of an existing alert spanning [first, last] (no earlier state: a full recount).
    private async Task<string> PlanAsync(string tenantId, DateTimeOffset first, DateTimeOffset last, AlertTally tally)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        var match = new AlertMatch("test-rule", "user", "u-1", AuditSeverity.High, first, last, "{}", tally);
        var written = new WrittenAlert(Guid.CreateVersion7(), match, Created: true, first, last);
        command.CommandText = "EXPLAIN " + AlertWriter.RecountSql(
            command, PostgresSqlDialect.Instance, tenantId, 10, [written],
            new Dictionary<(string Rule, string KeyType, string Key), (DateTimeOffset FirstSeen, DateTimeOffset LastSeen)>()).TrimEnd(';');
        return await PartitionPlans.ReadPlanAsync(command);
    }

    private async Task<List<Guid>> IdsAsync(string sql)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();
}
