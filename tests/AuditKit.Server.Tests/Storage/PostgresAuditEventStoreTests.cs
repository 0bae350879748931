using Microsoft.Extensions.Logging.Abstractions;

namespace AuditKit.Server.Tests.Storage;

/// <summary>The storage contract on PostgreSQL (a fresh database for this class; tests use tenants of their own).</summary>
public sealed class PostgresAuditEventStoreTests(PostgresDatabaseFixture database)
    : AuditEventStoreContractTests, IClassFixture<PostgresDatabaseFixture>
{
    private protected override Dictionary<string, string?> StorageSettings() => new()
    {
        ["ConnectionStrings:AuditKit"] = database.ConnectionString,
    };

    private protected override async Task RejectInsertsOfActionAsync(string action)
    {
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand(
            $"""
            CREATE OR REPLACE FUNCTION reject_action() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.action = '{action}' THEN RAISE EXCEPTION 'rejected by test trigger'; END IF;
                RETURN NEW;
            END $$;
            DROP TRIGGER IF EXISTS reject_action ON audit_events;
            CREATE TRIGGER reject_action BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION reject_action();
            """);
        await command.ExecuteNonQueryAsync();
    }

    private protected override async Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewDatabaseAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("upgrade");
        return (new() { ["ConnectionStrings:AuditKit"] = connectionString }, () => TestPostgres.DropDatabaseAsync(connectionString));
    }

    private protected override async Task<string> SchemaAsync(Dictionary<string, string?> settings)
    {
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:AuditKit"]);
        await connection.OpenAsync();

        // What pg_dump --schema-only shows, minus the order of columns (an added column comes last).
        await using var command = new NpgsqlCommand(
            """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || udt_name || ' nullable=' || is_nullable
                || ' default=' || coalesce(column_default, '-') || ' collation=' || coalesce(collation_name, '-')
                || ' generated=' || coalesce(generation_expression, '-')
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'
            UNION ALL
            SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '"__EFMigrationsHistory"'
            UNION ALL
            SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'
            UNION ALL
            SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL
            SELECT 'function ' || pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            ORDER BY 1
            """, connection);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    [Fact]
    public void Postgres_is_used_when_a_connection_string_is_configured()
    {
        Events.ShouldBeOfType<PostgresAuditEventStore>();
    }

    [Fact]
    public async Task Several_servers_migrating_a_new_database_at_once_all_start()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("migrate");
        try
        {
            var settings = new Dictionary<string, string?> { ["ConnectionStrings:AuditKit"] = connectionString };
            var servers = Enumerable.Range(0, 4).Select(_ => BuildServices(settings)).ToList();
            try
            {
                await Task.WhenAll(servers.Select(s => Task.Run(() => s.GetRequiredService<AuditStorageInitializer>().InitializeAsync(default))));

                var e = StorageTestEvents.Minimal();
                (await servers[0].GetRequiredService<IAuditEventStore>().InsertAsync("t", [e], StorageTestEvents.BaseTime, AuditInsertHooks.None, default))
                    .ShouldBe([AuditInsertOutcome.Inserted]);
                (await servers[3].GetRequiredService<IAuditEventStore>().GetAsync("t", e.Id, default)).ShouldNotBeNull();
            }
            finally
            {
                foreach (var server in servers)
                {
                    await server.DisposeAsync();
                }
            }
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task The_schema_has_the_tenant_leading_indexes_jsonb_gin_and_the_search_vector()
    {
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = dataSource.CreateCommand(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_events' ORDER BY indexname");
        var indexes = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                indexes[reader.GetString(0)] = reader.GetString(1);
            }
        }

        indexes["pk_audit_events"].ShouldEndWith("(tenant_id, id)");
        indexes["ix_audit_events_tenant_timestamp"].ShouldContain("(tenant_id, \"timestamp\", id)");
        indexes["ix_audit_events_tenant_timestamp"].ShouldEndWith("INCLUDE (action, severity, status, service_name, user_id, ip_address)");
        indexes["ix_audit_events_tenant_user_timestamp"].ShouldEndWith("INCLUDE (ip_address)");
        indexes["ix_audit_events_tenant_user_timestamp"].ShouldContain("(tenant_id, user_id, \"timestamp\" DESC");
        indexes["ix_audit_events_tenant_resource_timestamp"].ShouldContain("(tenant_id, resource_type, resource_id, \"timestamp\" DESC");
        indexes["ix_audit_events_metadata"].ShouldContain("USING gin (metadata jsonb_path_ops)");
        indexes["ix_audit_events_search"].ShouldContain("USING gin (search_vector)");
        indexes.Where(i => i.Key.StartsWith("ix_audit_events_tenant", StringComparison.Ordinal) || i.Key.StartsWith("pk_", StringComparison.Ordinal))
            .ShouldAllBe(i => i.Value.Contains("(tenant_id,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Detection_reads_use_their_partial_indexes_while_the_statistics_do_not_know_the_tenant()
    {
        // The statistics know an established tenant only; then a new tenant's events arrive (as in the first hours of a
        // tenant, or after it grew faster than autovacuum re-analyzed). Every audit_events index leads with tenant_id,
        // so a one-row estimate for the new tenant made them look alike: the CRITICAL recount once walked the tenant's
        // whole user index (106 ms instead of 0.6 ms on 200,000 events). The rules' partial indexes keep the plans right.
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        var established = "plans-old-" + Guid.NewGuid().ToString("N")[..8];
        var tenant = "plans-new-" + Guid.NewGuid().ToString("N")[..8];
        await Events.InsertAsync(established, [.. Enumerable.Range(0, 2000).Select(i => PlanEvent(i))], StorageTestEvents.BaseTime, AuditInsertHooks.None, default);
        await using (var analyze = dataSource.CreateCommand("ANALYZE audit_events"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        await Events.InsertAsync(tenant, [.. Enumerable.Range(0, 2000).Select(i => PlanEvent(i))], StorageTestEvents.BaseTime, AuditInsertHooks.None, default);
        var from = StorageTestEvents.BaseTime;
        var to = from.AddHours(2);

        async Task<string> PlanAsync(string predicate)
        {
            await using var command = dataSource.CreateCommand(
                $"EXPLAIN SELECT e.id FROM audit_events e WHERE e.tenant_id = @t AND e.timestamp >= @lo AND e.timestamp <= @hi AND ({predicate})");
            command.Parameters.AddWithValue("t", tenant);
            command.Parameters.AddWithValue("k", tenant);
            command.Parameters.AddWithValue("u", "user-3");
            command.Parameters.AddWithValue("lo", from);
            command.Parameters.AddWithValue("hi", to);
            var plan = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }

            return await WithTableIndexNamesAsync(dataSource, plan);
        }

        (await PlanAsync("e.tenant_id = @k AND e.severity = 3")).ShouldContain("ix_audit_events_critical");
        (await PlanAsync("e.user_id = @u AND e.severity = 3")).ShouldMatch("ix_audit_events_(critical|high_user)");
        (await PlanAsync($"e.user_id = @u AND {StoredEventPredicates.HighSeveritySql}")).ShouldContain("ix_audit_events_high_user");
        (await PlanAsync($"e.resource_id IN (@u) AND {StoredEventPredicates.GrantSql}")).ShouldContain("ix_audit_events_grants_resource");
    }

    [Fact]
    public async Task A_partition_is_analyzed_when_a_tenant_new_to_its_statistics_writes_there_and_detection_recounts_use_the_user_index()
    {
        // A partition analyzed while it held one tenant only; then a second tenant's events arrive. The planner estimates
        // the new tenant at one row and the compromise recount (logins of one user over the alert's span) filters the user
        // out of all the tenant's rows; once the store has had the partition analyzed it reads the user's rows only.
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        var day = new DateTimeOffset(2031, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var tenant = await TenantNewToAnalyzedPartitionAsync(dataSource, day, "stats");
        var statistics = Services.GetRequiredService<PostgresPartitionStatistics>();
        await statistics.RunOnceAsync(default); // what the established tenant queued: its statistics know it already
        await Events.InsertAsync(tenant, [.. Enumerable.Range(0, 4000).Select(i => LoginEvent(day, i))], day, AuditInsertHooks.None, default);

        var before = await RecountPlanAsync(dataSource, tenant, day);
        before.Index.ShouldNotBe("ix_audit_events_tenant_user_timestamp");
        before.RowsRemoved.ShouldBeGreaterThan(3000);

        (await statistics.RunOnceAsync(default)).ShouldBe(1);

        var after = await RecountPlanAsync(dataSource, tenant, day);
        after.Index.ShouldBe("ix_audit_events_tenant_user_timestamp");
        after.RowsRemoved.ShouldBeLessThan(200);
        after.Count.ShouldBe(before.Count);
        (await statistics.RunOnceAsync(default)).ShouldBe(0); // once per (partition, tenant) per process
    }

    [Fact]
    public async Task A_tenant_with_few_rows_in_a_partition_costs_no_analyze_until_it_has_written_the_minimum_there()
    {
        // A small tenant's one-row estimate is near the truth, and statistics list only the most common tenants, so an
        // ANALYZE for it would be paid at every new partition and restart without ever finding it.
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        var day = new DateTimeOffset(2031, 5, 6, 0, 0, 0, TimeSpan.Zero);
        await EnsureMonthPartitionAsync(dataSource, day);
        using var worker = new PostgresPartitionStatistics(
            () => dataSource, EventPartitionPeriod.Month, metrics: null, new FakeTimeProvider(day),
            NullLogger<PostgresPartitionStatistics>.Instance);
        var tenant = "stats-small-" + Guid.NewGuid().ToString("N")[..8];
        var below = PostgresPartitionStatistics.MinRows - 1;

        async Task WriteAsync(int count, int from)
        {
            var events = Enumerable.Range(from, count).Select(i => LoginEvent(day, i)).ToList();
            await Events.InsertAsync(tenant, events, day, AuditInsertHooks.None, default);
            worker.Written(tenant, [.. events.Select(e => AuditEventRow.From(tenant, e, day))]);
        }

        await WriteAsync(below / 2, 0);
        await WriteAsync(below - (below / 2), below / 2);
        (await worker.RunOnceAsync(default)).ShouldBe(0);

        await WriteAsync(1, below);
        (await worker.RunOnceAsync(default)).ShouldBe(1);
        await WriteAsync(100, below + 1);
        (await worker.RunOnceAsync(default)).ShouldBe(0); // once per (partition, tenant) per process
    }

    [Fact]
    public async Task The_statistics_worker_waits_for_new_tenants_to_settle_and_analyzes_a_partition_at_most_once_a_minute()
    {
        // The worker as the host runs it, on a fake clock: a new tenant's partition is analyzed no sooner than the settle
        // after its first write, and a second new tenant in the same partition within the minute waits for the minute.
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        var day = new DateTimeOffset(2031, 4, 5, 0, 0, 0, TimeSpan.Zero);
        await EnsureMonthPartitionAsync(dataSource, day);
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = meters.GetRequiredService<IMeterFactory>();
        using var analyzes = new MetricCollector<long>(
            meterFactory, AuditStorageMetrics.MeterName, "auditkit.storage.partition_analyzes");
        var time = new FakeTimeProvider(day);
        using var worker = new PostgresPartitionStatistics(
            () => dataSource, EventPartitionPeriod.Month, new AuditStorageMetrics(meterFactory), time,
            NullLogger<PostgresPartitionStatistics>.Instance);
        await worker.StartAsync(default);

        async Task<TimeSpan> WriteAndWaitAsync(string tenant, DateTimeOffset since, int analyzedBefore)
        {
            var events = Enumerable.Range(0, 1000).Select(i => LoginEvent(day, i)).ToList();
            await Events.InsertAsync(tenant, events, day, AuditInsertHooks.None, default);
            worker.Written(tenant, [.. events.Select(e => AuditEventRow.From(tenant, e, day))]);
            for (var step = 0; step < 120; step++)
            {
                await Task.Delay(50);
                if (Analyzed() > analyzedBefore)
                {
                    return time.GetUtcNow() - since;
                }

                time.Advance(TimeSpan.FromSeconds(1));
            }

            throw new ShouldAssertException($"the partition of {tenant}'s events was not analyzed within two fake minutes");
        }

        long Analyzed() => analyzes.GetMeasurementSnapshot()
            .Where(static m => Equals(m.Tags["auditkit.storage.outcome"], "analyzed")).Sum(static m => m.Value);

        // The clock moves a second per step while the worker works, so the bounds below allow for the steps taken while
        // an ANALYZE ran (above) and for the one step between the worker's record of an ANALYZE and this check (below).
        var first = time.GetUtcNow();
        var settled = await WriteAndWaitAsync("worker-a-" + Guid.NewGuid().ToString("N")[..8], first, 0);
        settled.ShouldBeGreaterThanOrEqualTo(PostgresPartitionStatistics.Settle);
        settled.ShouldBeLessThan(TimeSpan.FromSeconds(30));

        var analyzedAt = time.GetUtcNow();
        var again = await WriteAndWaitAsync("worker-b-" + Guid.NewGuid().ToString("N")[..8], analyzedAt, 1);
        again.ShouldBeGreaterThanOrEqualTo(PostgresPartitionStatistics.MinInterval - TimeSpan.FromSeconds(1));
        again.ShouldBeLessThan(TimeSpan.FromSeconds(100));
        await worker.StopAsync(default);
    }

    [Fact]
    public async Task The_retention_cut_reads_the_rows_it_deletes_not_the_whole_tenant_while_the_statistics_do_not_know_it()
    {
        // The cut used to pick its ids by reading all the tenant's rows and to join them to all the tenant's rows again:
        // per chunk, work in the tenant's size. Planned for any tenant it walks (tenant_id, seq) and deletes by key.
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        var day = new DateTimeOffset(2031, 2, 3, 0, 0, 0, TimeSpan.Zero);
        var tenant = await TenantNewToAnalyzedPartitionAsync(dataSource, day, "cut");
        var events = Enumerable.Range(0, 4000).Select(i => LoginEvent(day, i)).ToList();
        await Events.InsertAsync(tenant, events, day, AuditInsertHooks.None, default);

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var cut = new NpgsqlCommand($"SELECT deleted, anchor_seq FROM {RetentionCutSql.Function}(@t, @before, 500)", connection, transaction);
        cut.Parameters.AddWithValue("t", tenant);
        cut.Parameters.AddWithValue("before", day.AddHours(1)); // 1,200 events are older: the 500 lowest seqs go
        await using (var reader = await cut.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).ShouldBeTrue();
            reader.GetInt32(0).ShouldBe(500);
            reader.GetInt64(1).ShouldBe(500L);
        }

        await using var read = new NpgsqlCommand(
            "SELECT coalesce(sum(coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)), 0) FROM pg_stat_xact_user_tables WHERE relname = 'audit_events_p20310201'", connection, transaction);
        var rowsRead = Convert.ToInt64(await read.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        rowsRead.ShouldBeLessThanOrEqualTo(1100L); // 500 picked, 500 deleted, a few descents; not the tenant's 4,000 twice
        await using var left = new NpgsqlCommand("SELECT count(*) FROM audit_events WHERE tenant_id = @t AND timestamp < @before", connection, transaction);
        left.Parameters.AddWithValue("t", tenant);
        left.Parameters.AddWithValue("before", day.AddHours(1));
        (await left.ExecuteScalarAsync()).ShouldBe(700L);
        await transaction.RollbackAsync();
    }

    /// <summary>The compromise recount's count (the store's own SQL) over the tenant's day for user-0: its plan, run.</summary>
    private static async Task<(string Index, long RowsRemoved, long Count)> RecountPlanAsync(NpgsqlDataSource dataSource, string tenant, DateTimeOffset day)
    {
        var count = StoredEventFilter.LoginsByUser.Tally.CountSql(PostgresSqlDialect.Instance, "@t", "@k", "");
        await using var command = dataSource.CreateCommand(
            $"EXPLAIN (ANALYZE, FORMAT JSON) SELECT {count} FROM (SELECT @lo::timestamptz AS first_seen, @hi::timestamptz AS last_seen) alerts");
        command.Parameters.AddWithValue("t", tenant);
        command.Parameters.AddWithValue("k", "user-0");
        command.Parameters.AddWithValue("lo", day);
        command.Parameters.AddWithValue("hi", day.AddDays(1).AddTicks(-10));
        var json = JsonNode.Parse((string)(await command.ExecuteScalarAsync())!)!;
        var scans = new List<JsonNode>();
        void Walk(JsonNode node)
        {
            if (node["Relation Name"]?.GetValue<string>() == "audit_events_p20310101")
            {
                scans.Add(node);
            }

            foreach (var child in node["Plans"]?.AsArray() ?? [])
            {
                Walk(child!);
            }
        }

        Walk(json[0]!["Plan"]!);
        var scan = scans.ShouldHaveSingleItem();
        // An index scan names its index; a bitmap heap scan's indexes are those of the bitmap index scans under it.
        var names = new List<string>();
        void Indexes(JsonNode node)
        {
            if (node["Index Name"]?.GetValue<string>() is { } name)
            {
                names.Add(name);
            }

            foreach (var child in node["Plans"]?.AsArray() ?? [])
            {
                Indexes(child!);
            }
        }

        Indexes(scan);
        var index = await WithTableIndexNamesAsync(dataSource, names.Count > 0 ? [string.Join(',', names)] : [scan["Node Type"]!.GetValue<string>()]);
        return (index, scan["Rows Removed by Filter"]?.GetValue<long>() ?? 0, scan["Actual Rows"]!.GetValue<long>());
    }

    /// <summary>The month partition of <paramref name="day"/>, for the test's tenants only.</summary>
    /// <summary>
    /// The month partition of <paramref name="day"/>, analyzed while it held one other tenant's 4,000 logins only; returns
    /// a tenant new to its statistics (no event of it stored yet).
    /// </summary>
    private async Task<string> TenantNewToAnalyzedPartitionAsync(NpgsqlDataSource dataSource, DateTimeOffset day, string prefix)
    {
        await EnsureMonthPartitionAsync(dataSource, day);
        var partition = "audit_events_p" + day.ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture) + "01";
        // Only the store may analyze the partition from here on: autovacuum's own ANALYZE, due after a few thousand
        // inserts, would otherwise let the planner know the new tenant whenever its launcher came by first.
        await ExecuteAsync(dataSource, $"ALTER TABLE {partition} SET (autovacuum_enabled = false)");
        var established = prefix + "-old-" + Guid.NewGuid().ToString("N")[..8];
        await Events.InsertAsync(established, [.. Enumerable.Range(0, 4000).Select(i => LoginEvent(day, i))], day, AuditInsertHooks.None, default);
        await ExecuteAsync(dataSource, "ANALYZE " + partition);
        return prefix + "-new-" + Guid.NewGuid().ToString("N")[..8];
    }

    private static async Task EnsureMonthPartitionAsync(NpgsqlDataSource dataSource, DateTimeOffset day)
    {
        await using var command = dataSource.CreateCommand($"SELECT {EventPartitionSql.EnsureFunction}(@from, @from + interval '1 day', false)");
        command.Parameters.AddWithValue("from", day);
        await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>One event every 3 seconds of 20 users: logins (one in 20 failed) among reads and updates.</summary>
    private static AuditEvent LoginEvent(DateTimeOffset day, int i)
    {
        var at = day.AddSeconds(i * 3);
        return new AuditEvent
        {
            Id = Guid.CreateVersion7(at),
            Timestamp = at,
            Action = (i % 10) switch { 0 => AuditActions.Login, 1 when i % 20 == 1 => AuditActions.LoginFailed, < 5 => AuditActions.Update, _ => AuditActions.Read },
            Severity = AuditSeverity.Low,
            UserId = "user-" + (i % 20).ToString(CultureInfo.InvariantCulture),
            ResourceType = "Customer",
            ResourceId = (i % 500).ToString(CultureInfo.InvariantCulture),
            IpAddress = "10.0.0." + (i % 20).ToString(CultureInfo.InvariantCulture),
        };
    }

    [Fact]
    public async Task A_metadata_filter_is_answered_by_the_metadata_gin_index()
    {
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        var tenant = "meta-" + Guid.NewGuid().ToString("N")[..8];
        var events = Enumerable.Range(0, 3000).Select(i =>
        {
            var e = PlanEvent(i);
            e.Metadata = new System.Text.Json.Nodes.JsonObject
            {
                ["env"] = i % 2 == 0 ? "prod" : "dev",
                ["order"] = "o-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            return e;
        });
        await Events.InsertAsync(tenant, [.. events], StorageTestEvents.BaseTime, AuditInsertHooks.None, default);
        await using (var analyze = dataSource.CreateCommand("ANALYZE audit_events"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var sql = AuditEventSql.Build(PostgresSqlDialect.Instance, tenant, new AuditEventQuery { Metadata = new KeyValuePair<string, string>("order", "o-17") });
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN " + sql.CountSql;
        sql.Bind(command);
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        (await WithTableIndexNamesAsync(dataSource, plan)).ShouldContain("ix_audit_events_metadata");
        (await Events.QueryAsync(tenant, new AuditEventQuery { Metadata = new KeyValuePair<string, string>("order", "o-17") }, default)).Total.ShouldBe(1);
    }

    /// <summary>Everyday traffic of 20 users: mostly reads and updates, a delete now and then, a CRITICAL event rarely.</summary>
    private static AuditEvent PlanEvent(int i)
    {
        var at = StorageTestEvents.BaseTime.AddSeconds(i * 3);
        var (action, severity) = (i % 100) switch
        {
            0 => (AuditActions.LoginFailed, AuditSeverity.Critical),
            < 10 => (AuditActions.Delete, AuditSeverity.High),
            < 50 => (AuditActions.Update, AuditSeverity.Medium),
            _ => (AuditActions.Read, AuditSeverity.Low),
        };
        return new AuditEvent
        {
            Id = Guid.CreateVersion7(at),
            Timestamp = at,
            Action = action,
            Severity = severity,
            UserId = "user-" + (i % 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ResourceType = "Customer",
            ResourceId = (i % 500).ToString(System.Globalization.CultureInfo.InvariantCulture),
            IpAddress = "10.0.0." + (i % 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// The plan with the index of each time partition of <c>audit_events</c> named as the table's index it belongs to
    /// (PostgreSQL names a partition's index after the partition).
    /// </summary>
    private static async Task<string> WithTableIndexNamesAsync(NpgsqlDataSource dataSource, IEnumerable<string> plan)
    {
        var text = string.Join('\n', plan);
        await using var command = dataSource.CreateCommand(
            "SELECT c.relname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent " +
            "WHERE c.relkind = 'i' ORDER BY length(c.relname) DESC");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            text = text.Replace(reader.GetString(0), reader.GetString(1), StringComparison.Ordinal);
        }

        return text;
    }
}
