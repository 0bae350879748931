namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// Queries with no time range on the time partitions of PostgreSQL (a fresh database for this class, monthly partitions
/// from August 2024): the shared pool prepares a statement it runs often, and PostgreSQL runs the plan it made once
/// for a list with no range instead of planning it over every partition on each call, while a ranged statement's
/// plan, its range written into it, reads only the partitions of its range. Whichever plan runs, every page is what the events' timestamps say,
/// across a partition's bound, at the id rule's tolerance, and where <c>auditkit_event_ids_follow_time()</c> is false.
/// </summary>
public sealed class PartitionPlanCacheTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    private const string User = "u-plan";
    private const string ResourceId = "r-plan";
    private static readonly DateTimeOffset s_bound = PartitionPlans.Bound;

    // More than Npgsql's uses before it prepares a statement (5) plus PostgreSQL's custom plans before it tries the
    // generic one (5): the later runs are the prepared, generically planned ones.
    private const int Runs = 12;

    [Fact]
    public async Task A_list_with_no_time_range_runs_a_plan_made_once_and_a_ranged_ones_plan_reads_only_its_range()
    {
        var tenant = await SeedAsync("once");
        await using var connection = await server.Factory.Services.GetRequiredService<StorageConnections>().OpenAsync(StorageScope.Tenant(tenant), default);
        var unranged = new[]
        {
            new AuditEventQuery { UserId = User },
            new AuditEventQuery(),
            new AuditEventQuery { Severity = AuditSeverity.High },
            new AuditEventQuery { ResourceType = "Invoice", ResourceId = ResourceId },
        };
        foreach (var query in unranged)
        {
            var sql = AuditEventSql.Build(PostgresSqlDialect.Instance, tenant, query with { Limit = 3, IncludeTotal = false });
            for (var i = 0; i < Runs; i++)
            {
                await ReadIdsAsync(connection, sql);
            }

            var (generic, _) = await PlansAsync(connection, sql.PageSql);
            generic.ShouldBeGreaterThan(0L, sql.PageSql);
        }

        var ranged = AuditEventSql.Build(
            PostgresSqlDialect.Instance, tenant, new AuditEventQuery { UserId = User, From = s_bound.AddDays(-2), To = s_bound.AddDays(-1), Limit = 3 });
        for (var i = 0; i < Runs; i++)
        {
            await ReadIdsAsync(connection, ranged);
        }

        // Its range is written into the statement: prepared and planned in general, the plan still reads only the
        // partition of that range (a plan for any range would name every partition).
        var (name, _, _) = await PreparedAsync(connection, ranged.PageSql);
        await using var explain = connection.CreateCommand();
        explain.CommandText = $"EXPLAIN (COSTS OFF) EXECUTE {name}('{tenant}', '{User}')";
        PartitionPlans.Partitions(await PartitionPlans.ReadPlanAsync(explain)).ShouldBe(["audit_events_p20241101"]);
    }

    [Fact]
    public async Task Pages_with_no_time_range_find_what_the_timestamps_say_however_often_they_run()
    {
        var tenant = await SeedAsync("pages");
        await PagesMatchAsync(tenant);
    }

    [Fact]
    public async Task Pages_find_the_same_when_ids_are_not_known_to_follow_time()
    {
        var tenant = await SeedAsync("nofollow");
        await PagesMatchAsync(tenant);
        await SetFollowsTimeAsync(false);
        try
        {
            (await server.ScalarAsync("SELECT auditkit_event_ids_follow_time()")).ShouldBe(false);
            await PagesMatchAsync(tenant);
        }
        finally
        {
            await SetFollowsTimeAsync(true);
        }
    }

    private async Task PagesMatchAsync(string tenant)
    {
        var store = server.Factory.Services.GetRequiredService<IAuditEventStore>();
        var queries = new (AuditEventQuery Query, string Where)[]
        {
            (new AuditEventQuery { UserId = User }, $"user_id = '{User}'"),
            (new AuditEventQuery { ResourceType = "Invoice", ResourceId = ResourceId }, $"resource_type = 'Invoice' AND resource_id = '{ResourceId}'"),
            (new AuditEventQuery(), "true"),
            (new AuditEventQuery { From = s_bound.AddHours(-1), To = s_bound.AddHours(1) }, $"timestamp >= '{s_bound.AddHours(-1):O}' AND timestamp < '{s_bound.AddHours(1):O}'"),
        };
        foreach (var (query, where) in queries)
        {
            var expected = await ExpectedAsync(tenant, where);
            expected.Count.ShouldBeGreaterThan(2, where);
            for (var run = 0; run < Runs; run++)
            {
                // Cursor pages of 2, then offset pages of 2: both across the bound and the tolerance's edge.
                var byCursor = new List<Guid>();
                AuditCursor? cursor = null;
                do
                {
                    var page = await store.QueryAsync(tenant, query with { Limit = 2, Cursor = cursor, IncludeTotal = false }, default);
                    byCursor.AddRange(page.Items.Select(static e => e.Id));
                    cursor = page.Next;
                }
                while (cursor is not null);
                byCursor.ShouldBe(expected, $"{where}, run {run}, by cursor");

                var byOffset = new List<Guid>();
                for (var offset = 0; offset < expected.Count; offset += 2)
                {
                    var page = await store.QueryAsync(tenant, query with { Limit = 2, Offset = offset }, default);
                    page.Total.ShouldBe((long)expected.Count);
                    byOffset.AddRange(page.Items.Select(static e => e.Id));
                }

                byOffset.ShouldBe(expected, $"{where}, run {run}, by offset");
            }
        }
    }

    // Events of one user and one resource on both sides of December's bound, their ids up to the tolerance away from
    // their timestamps (so some lie in the other month's partition), and one in an older month.
    private async Task<string> SeedAsync(string prefix)
    {
        await server.EnsureMonthlyPartitionsAsync();
        var tenant = await server.CreateTenantAsync(prefix);
        using var ingest = server.CreateClient(tenant.IngestKey);
        var tick = TimeSpan.FromMilliseconds(1);
        var t = EventIdRule.Tolerance;
        var stamped = new (DateTimeOffset At, TimeSpan IdOffset, string Severity)[]
        {
            (s_bound - tick, t, "HIGH"), (s_bound - TimeSpan.FromMinutes(30), -t, "LOW"), (s_bound, -t, "HIGH"), (s_bound + TimeSpan.FromMinutes(59), t, "LOW"),
            (s_bound + TimeSpan.FromHours(1), TimeSpan.Zero, "HIGH"), (s_bound - TimeSpan.FromDays(3), t, "HIGH"), (s_bound + TimeSpan.FromDays(2), -t, "LOW"),
            (s_bound - TimeSpan.FromDays(60), TimeSpan.Zero, "HIGH"), (s_bound - tick, -t, "LOW"),
        };
        var events = stamped.Select(static s => (object)new
        {
            id = AuditEventIds.New(s.At + s.IdOffset), action = "UPDATE", timestamp = s.At.ToString("O", CultureInfo.InvariantCulture), user_id = User,
            resource_type = "Invoice", resource_id = ResourceId, severity = s.Severity,
        }).ToArray();
        (await (await ingest.PostAsJsonAsync("/api/v1/audit-logs/batch", events)).ReadBatchResultAsync()).Accepted.ShouldBe(stamped.Length);
        return tenant.Id;
    }

    private static async Task<List<Guid>> ReadIdsAsync(DbConnection connection, AuditEventSql sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql.PageSql;
        sql.Bind(command);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(1));
        }

        return ids;
    }

    // The statement as PostgreSQL keeps it prepared on this connection (its parameters numbered, not named): how often
    // it ran a generic plan, and a custom one.
    private static async Task<(long Generic, long Custom)> PlansAsync(DbConnection connection, string pageSql)
    {
        var (_, generic, custom) = await PreparedAsync(connection, pageSql);
        return (generic, custom);
    }

    private static async Task<(string Name, long Generic, long Custom)> PreparedAsync(DbConnection connection, string pageSql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (Normalized(reader.GetString(1)) == Normalized(pageSql))
            {
                return (reader.GetString(0), reader.GetInt64(2), reader.GetInt64(3));
            }
        }

        throw new ShouldAssertException($"not prepared: {pageSql}");
    }

    private static string Normalized(string sql) => System.Text.RegularExpressions.Regex.Replace(sql, @"[@$]\w+", "?");

    private async Task<List<Guid>> ExpectedAsync(string tenant, string where)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id FROM audit_events WHERE tenant_id = @t AND {where} ORDER BY timestamp DESC, id DESC";
        DbParameters.Add(command, "@t", tenant);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    // As the id-rule migration defines it for a database holding events stored before the rule (false), or after (true).
    private async Task SetFollowsTimeAsync(bool follows) =>
        await server.ScalarAsync(
            $"CREATE OR REPLACE FUNCTION auditkit_event_ids_follow_time() RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$SELECT {(follows ? "true" : "false")}$$");
}
