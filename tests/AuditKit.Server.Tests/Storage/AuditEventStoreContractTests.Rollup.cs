namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The hourly rollup behind summaries: it holds exactly what is stored (duplicates, retried batches, late events,
/// concurrent batches, deletes), and a summary answers the same from it as from the events alone and as a plain
/// recount of the stored events in C#.
/// </summary>
public abstract partial class AuditEventStoreContractTests
{
    private static readonly string?[] s_services = [null, "", "svc-a", "svc-b"];
    private static readonly string[] s_rollupActions = [AuditActions.Read, AuditActions.Update, AuditActions.Login, AuditActions.LoginFailed, AuditActions.Delete];

    [Fact]
    public async Task Summaries_from_the_rollup_and_from_the_events_equal_a_recount_over_random_data()
    {
        var random = new Random(20261126);
        var tenants = new[] { NewTenant(), NewTenant(), NewTenant() };
        var stored = new Dictionary<(string Tenant, Guid Id), AuditEvent>();
        await IngestRandomlyAsync(random, tenants, 900, stored);
        await AssertRollupIsARecountAsync(tenants);

        await using var eventsOnly = EventsOnlyStore(out var fromEvents);
        await AssertSummariesAsync(random, tenants[0], stored, fromEvents, queries: 40);
        await AssertSummariesAsync(random, tenants[1], stored, fromEvents, queries: 10);
    }

    [Fact]
    public async Task Retention_and_a_tenant_deleted_by_SQL_keep_the_rollup_right()
    {
        var random = new Random(7);
        var (kept, removed) = (NewTenant(), NewTenant());
        var stored = new Dictionary<(string Tenant, Guid Id), AuditEvent>();
        await IngestRandomlyAsync(random, [kept, removed], 500, stored);

        // Retention: everything of one tenant before a time inside an hour; then every event of the other tenant.
        var before = StorageTestEvents.BaseTime.AddHours(20).AddMinutes(17);
        await ExecuteAsync(
            $"DELETE FROM {AuditDbContext.EventsTable} WHERE tenant_id = {{0}} AND timestamp < {{1}}", kept, Dialect.TimeValue(before));
        await ExecuteAsync($"DELETE FROM {AuditDbContext.EventsTable} WHERE tenant_id = {{0}}", removed);
        foreach (var key in stored.Keys.Where(k => k.Tenant == removed || stored[k].Timestamp < before).ToList())
        {
            stored.Remove(key);
        }

        await AssertRollupIsARecountAsync([kept, removed]);
        (await RollupRowsAsync(removed)).ShouldBeEmpty("a deleted tenant leaves no rollup rows, not even zeros");
        await using var eventsOnly = EventsOnlyStore(out var fromEvents);
        await AssertSummariesAsync(random, kept, stored, fromEvents, queries: 15);

        // Events arriving again for the emptied hours count from zero.
        var late = RandomEvent(random, StorageTestEvents.BaseTime.AddHours(2));
        await Events.InsertAsync(kept, [late], s_received, AuditInsertHooks.None, default);
        stored[(kept, late.Id)] = late;
        await AssertRollupIsARecountAsync([kept]);
    }

    [Fact]
    public async Task Concurrent_batches_over_the_same_hours_neither_deadlock_nor_miscount()
    {
        var tenant = NewTenant();
        var batches = Enumerable.Range(0, 24).Select(b =>
        {
            var random = new Random(b);

            // Every batch touches the same few rollup rows, in its own order; some repeat ids of another batch.
            return Enumerable.Range(0, 40).Select(_ => RandomEvent(random, StorageTestEvents.BaseTime.AddMinutes(random.Next(0, 180)))).ToList();
        }).ToList();
        for (var b = 1; b < batches.Count; b += 3)
        {
            batches[b].AddRange(batches[b - 1].Take(10));
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var b = worker; b < batches.Count; b += 4)
            {
                await Events.InsertAsync(tenant, batches[b], s_received, AuditInsertHooks.None, default);
            }
        })));

        await AssertRollupIsARecountAsync([tenant]);
        var expected = batches.SelectMany(b => b).DistinctBy(e => e.Id).Count();
        (await RollupRowsAsync(tenant)).Sum(r => r.Count).ShouldBe(expected);
    }

    [Theory]
    [InlineData(false, false, false, false, true)]
    [InlineData(true, false, false, false, false)]
    [InlineData(false, true, false, false, false)]
    [InlineData(false, false, true, false, false)]
    [InlineData(false, false, false, true, false)]
    public void The_rollup_answers_only_filters_on_the_columns_it_holds(bool byUser, bool bySearch, bool byResource, bool failedAuth, bool expected)
    {
        var query = new AuditEventQuery
        {
            From = StorageTestEvents.BaseTime, To = StorageTestEvents.BaseTime.AddDays(1), Action = "READ", Severity = AuditSeverity.High,
            Status = AuditStatus.Failure, ServiceName = "svc", Limit = 7, Offset = 3, TotalCap = 10,
        };

        // Failed authentication is by canonical action, which the rollup does not hold.
        query = failedAuth ? query with { FailedAuthentication = true } : query;
        query = byUser ? query with { UserId = "u1" } : query;
        query = bySearch ? query with { Search = "word" } : query;
        query = byResource ? query with { ResourceType = "Order" } : query;

        AuditSummarySql.RollupHolds(query).ShouldBe(expected);
    }

    // ---- helpers

    /// <summary>Settings for a new, empty database of the provider under test (not migrated), and how to drop it.</summary>
    private protected abstract Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewDatabaseAsync();

    private protected AuditSqlDialect Dialect =>
        Services.GetRequiredService<IOptions<AuditStorageOptions>>().Value.Provider == AuditStorageProvider.Postgres
            ? PostgresSqlDialect.Instance
            : SqliteSqlDialect.Instance;

    /// <summary>A second store over the same database that summarizes from the events alone.</summary>
    private ServiceProvider EventsOnlyStore(out IAuditEventStore store)
    {
        var settings = new Dictionary<string, string?>(StorageSettings()) { ["AuditKit:Storage:SummaryRollup"] = "false" };
        var services = BuildServices(settings);
        store = services.GetRequiredService<IAuditEventStore>();
        return services;
    }

    private static AuditEvent RandomEvent(Random random, DateTimeOffset at)
    {
        var e = StorageTestEvents.Minimal(at.AddTicks(random.Next(0, 10_000_000)), s_rollupActions[random.Next(s_rollupActions.Length)]);
        e.Severity = (AuditSeverity)random.Next(4);
        e.Status = (AuditStatus)random.Next(3);
        e.ServiceName = s_services[random.Next(s_services.Length)];
        e.UserId = random.Next(6) == 0 ? null : "u" + random.Next(9).ToString(CultureInfo.InvariantCulture);
        e.IpAddress = random.Next(5) == 0 ? null : "10.0.0." + random.Next(7).ToString(CultureInfo.InvariantCulture);
        return e;
    }

    /// <summary>
    /// Random events over 50 hours in shuffled order (late events), in batches of which some are sent again whole
    /// (a retry), some carry an id twice, and some mix new events with stored ones; records what is stored.
    /// </summary>
    private async Task IngestRandomlyAsync(Random random, IReadOnlyList<string> tenants, int count, Dictionary<(string Tenant, Guid Id), AuditEvent> stored)
    {
        var events = Enumerable.Range(0, count)
            .Select(_ => (Tenant: tenants[random.Next(tenants.Count)], Event: RandomEvent(random, StorageTestEvents.BaseTime.AddMinutes(random.Next(0, 50 * 60)))))
            .OrderBy(_ => random.Next())
            .ToList();
        var sent = new List<(string Tenant, AuditEvent Event)>();
        for (var i = 0; i < events.Count;)
        {
            var tenant = events[i].Tenant;
            var batch = events.Skip(i).Take(random.Next(1, 40)).Where(x => x.Tenant == tenant).Select(x => x.Event).ToList();
            i += Math.Max(1, batch.Count);
            if (random.Next(4) == 0 && batch.Count > 0)
            {
                batch.Add(batch[random.Next(batch.Count)]);
            }

            if (random.Next(4) == 0)
            {
                batch.AddRange(sent.Where(x => x.Tenant == tenant).OrderBy(_ => random.Next()).Take(5).Select(x => x.Event));
            }

            if (batch.Count == 0)
            {
                continue;
            }

            await Events.InsertAsync(tenant, batch, s_received, AuditInsertHooks.None, default);
            if (random.Next(5) == 0)
            {
                (await Events.InsertAsync(tenant, batch, s_received, AuditInsertHooks.None, default)).ShouldAllBe(o => o == AuditInsertOutcome.Duplicate);
            }

            foreach (var e in batch)
            {
                stored.TryAdd((tenant, e.Id), e);
                sent.Add((tenant, e));
            }
        }
    }

    private async Task AssertSummariesAsync(
        Random random, string tenant, Dictionary<(string Tenant, Guid Id), AuditEvent> stored, IAuditEventStore fromEvents, int queries)
    {
        var events = stored.Where(x => x.Key.Tenant == tenant).Select(x => x.Value).ToList();
        var fromRollup = 0;
        for (var q = 0; q < queries; q++)
        {
            // Ranges aligned to hours, inside one hour, across days, or with ragged ends to the microsecond.
            var from = StorageTestEvents.BaseTime.AddHours(random.Next(-2, 45));
            from = (q % 4) switch
            {
                0 => from,
                1 => from.AddMinutes(random.Next(1, 59)),
                _ => from.AddTicks(random.NextInt64(1, TimeSpan.TicksPerHour) / 10 * 10),
            };
            var to = (q % 5) switch
            {
                0 => from.AddMinutes(random.Next(1, 50)),
                1 => from.AddHours(random.Next(1, 8)).AddTicks(-(from.UtcTicks % TimeSpan.TicksPerHour)),
                _ => from.AddHours(random.Next(1, 30)).AddTicks(random.NextInt64(0, TimeSpan.TicksPerHour) / 10 * 10),
            };
            var query = new AuditEventQuery { From = from, To = to };
            query = (q % 7) switch
            {
                1 => query with { Action = s_rollupActions[random.Next(s_rollupActions.Length)] },
                2 => query with { Severity = (AuditSeverity)random.Next(4), Status = (AuditStatus)random.Next(3) },
                3 => query with { ServiceName = q % 2 == 0 ? "svc-a" : "" },
                4 => query with { FailedAuthentication = true },
                5 => query with { UserId = "u" + random.Next(9).ToString(CultureInfo.InvariantCulture) },
                6 => query with
                {
                    Action = AnyOf<string>.Of([s_rollupActions[random.Next(s_rollupActions.Length)], s_rollupActions[random.Next(s_rollupActions.Length)]]),
                    Severity = AnyOf<AuditSeverity>.Of([AuditSeverity.High, (AuditSeverity)random.Next(4)]),
                },
                _ => query,
            };
            var bucket = q % 3 == 0 ? AuditTimeBucket.Day : AuditTimeBucket.Hour;
            var top = random.Next(1, 6);
            var because = $"query {q}: {query} {bucket} top {top}";

            var expected = Recount(events, query, bucket, top);
            fromRollup += AuditSummarySql.Build(Dialect, tenant, query, bucket, top, useRollup: true).FromRollup ? 1 : 0;
            AssertSameSummary(await Events.SummarizeAsync(tenant, query, bucket, top, default), expected, because + " (rollup)");
            AssertSameSummary(await fromEvents.SummarizeAsync(tenant, query, bucket, top, default), expected, because + " (events only)");
        }

        fromRollup.ShouldBeGreaterThan(queries / 3, "most ranges hold a whole hour and filter on rollup columns only");
    }

    /// <summary>The summary computed in C# from the stored events, by the contract's rules.</summary>
    private static AuditSummary Recount(List<AuditEvent> events, AuditEventQuery query, AuditTimeBucket bucket, int top)
    {
        var (from, to) = (AuditEventRow.ToStoredTime(query.From!.Value), AuditEventRow.ToStoredTime(query.To!.Value));
        var matches = events.Where(e =>
        {
            var at = AuditEventRow.ToStoredTime(e.Timestamp);
            return at >= from && at < to
                && (!query.Action.IsSet || query.Action.Contains(e.Action))
                && (!query.Severity.IsSet || query.Severity.Contains(e.Severity))
                && (!query.Status.IsSet || query.Status.Contains(e.Status))
                && (!query.ServiceName.IsSet || (e.ServiceName is not null && query.ServiceName.Contains(e.ServiceName)))
                && (!query.UserId.IsSet || (e.UserId is not null && query.UserId.Contains(e.UserId)))
                && (!query.FailedAuthentication || e.Action == AuditActions.LoginFailed || (e.Action == AuditActions.Login && e.Status == AuditStatus.Failure));
        }).ToList();

        static List<AuditCount> Counts(IEnumerable<string?> keys, int take = int.MaxValue) =>
        [
            .. keys.GroupBy(k => k).Select(g => new AuditCount(g.Key, g.Count()))
                .OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal).Take(take),
        ];

        var width = bucket == AuditTimeBucket.Day ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1);
        var buckets = new List<AuditBucketCount>();
        for (var at = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % width.Ticks), TimeSpan.Zero); at < to; at += width)
        {
            var end = at + width;
            buckets.Add(new AuditBucketCount(at, matches.Count(e => AuditEventRow.ToStoredTime(e.Timestamp) >= at && AuditEventRow.ToStoredTime(e.Timestamp) < end)));
        }

        return new AuditSummary
        {
            Total = matches.Count,
            ByAction = Counts(matches.Select(e => e.Action), AuditSummarySql.MaxKeysPerDimension),
            BySeverity = Counts(matches.Select(e => e.Severity.ToString().ToUpperInvariant())),
            ByStatus = Counts(matches.Select(e => e.Status.ToString().ToUpperInvariant())),
            ByService = Counts(matches.Select(e => e.ServiceName), AuditSummarySql.MaxKeysPerDimension),
            TopUsers = Counts(matches.Select(e => e.UserId), top),
            TopIps = Counts(matches.Select(e => e.IpAddress), top),
            TimeBuckets = buckets,
        };
    }

    private static void AssertSameSummary(AuditSummary actual, AuditSummary expected, string because)
    {
        actual.Total.ShouldBe(expected.Total, because);
        actual.ByAction.ShouldBe(expected.ByAction, because);
        actual.BySeverity.ShouldBe(expected.BySeverity, because);
        actual.ByStatus.ShouldBe(expected.ByStatus, because);
        actual.ByService.ShouldBe(expected.ByService, because);
        actual.TopUsers.ShouldBe(expected.TopUsers, because);
        actual.TopIps.ShouldBe(expected.TopIps, because);
        actual.TimeBuckets.ShouldBe(expected.TimeBuckets, because);
    }

    /// <summary>The rollup rows of <paramref name="tenants"/> are exactly a GROUP BY of their stored events.</summary>
    private Task AssertRollupIsARecountAsync(IEnumerable<string> tenants) => AssertRollupIsARecountAsync(Services, tenants);

    private async Task AssertRollupIsARecountAsync(IServiceProvider services, IEnumerable<string> tenants)
    {
        foreach (var tenant in tenants)
        {
            var recount = await ReadCountsAsync(
                services,
                $"SELECT {Dialect.TimeBucket(AuditTimeBucket.Hour, "timestamp")}, action, severity, status, service_name, count(*) " +
                $"FROM {AuditDbContext.EventsTable} WHERE tenant_id = @tenant GROUP BY 1, 2, 3, 4, 5", tenant);
            var rollup = await RollupRowsAsync(services, tenant);
            rollup.ShouldAllBe(r => r.Count > 0);
            static IEnumerable<RollupRow> Sorted(List<RollupRow> rows) =>
                rows.OrderBy(r => r.Service is null).ThenBy(r => r.ToString(), StringComparer.Ordinal);
            Sorted(rollup).ShouldBe(Sorted(recount), tenant);
        }
    }

    private Task<List<RollupRow>> RollupRowsAsync(string tenant) => RollupRowsAsync(Services, tenant);

    private Task<List<RollupRow>> RollupRowsAsync(IServiceProvider services, string tenant) => ReadCountsAsync(
        services,
        $"SELECT hour, action, severity, status, service_name, event_count FROM {AuditDbContext.HourlyTable} WHERE tenant_id = @tenant", tenant);

    private async Task<List<RollupRow>> ReadCountsAsync(IServiceProvider services, string sql, string tenant)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@tenant";
        parameter.Value = tenant;
        command.Parameters.Add(parameter);
        var rows = new List<RollupRow>();
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new RollupRow(
                Dialect.ReadTime(reader, 0), reader.GetString(1), reader.GetInt16(2), reader.GetInt16(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    private async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(sql, parameters);
    }

    private sealed record RollupRow(DateTimeOffset Hour, string Action, short Severity, short Status, string? Service, long Count);
}
