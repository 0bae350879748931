using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AuditKit.Server.Tests.Integrity;

/// <summary>The chain on PostgreSQL (a fresh database for this class), with the concurrency only it has.</summary>
public sealed partial class PostgresAuditChainTests(PostgresDatabaseFixture database) : AuditChainContractTests, IClassFixture<PostgresDatabaseFixture>
{
    private static readonly DateTimeOffset s_received = new(2026, 3, 2, 8, 30, 0, TimeSpan.Zero);

    private protected override Dictionary<string, string?> StorageSettings() => Settings(database.ConnectionString);

    private protected override Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewDatabaseAsync() => NewPostgresDatabaseAsync();

    private protected override string JsonText(string json) => JsonbText(json);

    /// <summary>The storage settings of a PostgreSQL database (shared with the contract's other PostgreSQL class).</summary>
    internal static Dictionary<string, string?> Settings(string connectionString) => new() { ["ConnectionStrings:AuditKit"] = connectionString };

    /// <summary>A new empty PostgreSQL database: its settings, and how to drop it.</summary>
    internal static async Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewPostgresDatabaseAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("chain");
        return (Settings(connectionString), () => TestPostgres.DropDatabaseAsync(connectionString));
    }

    /// <summary>A JSON document as a PostgreSQL <c>jsonb</c> literal.</summary>
    internal static string JsonbText(string json) => "'" + json.Replace("'", "''", StringComparison.Ordinal) + "'::jsonb";

    [Fact]
    public async Task A_tenant_with_inserts_queued_behind_a_held_write_does_not_hold_up_another_tenant()
    {
        var (busy, other) = (NewTenant(), NewTenant());
        await Events.InsertLinkedAsync(busy, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var (held, release) = await HoldWritesAsync(busy);
        var queued = Events.InsertLinkedAsync(busy, [NewEvent()], s_received, AuditInsertHooks.None, default);

        // Another tenant's inserts, one after another, all go through while the busy one's are held.
        for (var i = 1; i <= 3; i++)
        {
            (await Events.InsertLinkedAsync(other, [NewEvent()], s_received, AuditInsertHooks.None, default).WaitAsync(TimeSpan.FromSeconds(30)))
                .Single().Seq.ShouldBe(i);
        }

        held.ShouldAllBe(static h => !h.IsCompleted);
        queued.IsCompleted.ShouldBeFalse();
        release.SetResult();

        (await Task.WhenAll(held)).Concat([await queued]).Select(static r => r.Single().Seq!.Value).Order()
            .ShouldBe(Enumerable.Range(2, held.Length + 1).Select(static s => (long)s));
    }

    [Fact]
    public async Task A_database_that_held_events_is_partitioned_keeping_its_events_chain_answers_and_walls()
    {
        var (settings, drop) = await NewDatabaseAsync();
        try
        {
            await using var services = BuildServices(settings);
            await using (var db = await services.GetRequiredService<IDbContextFactory<AuditDbContext>>().CreateDbContextAsync())
            {
                var migrations = db.Database.GetMigrations().ToList();
                var partitioned = migrations.FindIndex(static m => m.EndsWith("_PartitionAuditEvents", StringComparison.Ordinal));
                await db.GetService<IMigrator>().MigrateAsync(migrations[partitioned - 1]);
            }

            // Two tenants' events before the partitions: UUIDv7 ids and a v4 one (which the default partition takes),
            // written as the store of that schema did (its trigger counts every insert into the rollup).
            var store = new PostgresAuditEventStore(
                services.GetRequiredService<NpgsqlDataSource>(), ingest: services.GetRequiredService<PostgresIngestDataSource>()) { LinkBeforeHead = false };
            var (a, b) = (NewTenant(), NewTenant());
            var v4 = NewEvent("kept in the default partition");
            v4.Id = Guid.NewGuid();
            await store.InsertLinkedAsync(a, [NewEvent("alpha invoice"), NewEvent("beta"), v4], s_received, AuditInsertHooks.None, default);
            await store.InsertLinkedAsync(a, [NewEvent("gamma invoice")], s_received, AuditInsertHooks.None, default);
            await store.InsertLinkedAsync(b, [NewEvent("other tenant invoice")], s_received, AuditInsertHooks.None, default);
            var listed = await store.QueryAsync(a, new AuditEventQuery(), default);
            var searched = await store.QueryAsync(a, new AuditEventQuery { Search = "invoice" }, default);
            listed.Items.Count.ShouldBe(4);
            searched.Items.Count.ShouldBe(2);

            await services.GetRequiredService<AuditStorageInitializer>().InitializeAsync(default);

            await using (var connection = new NpgsqlConnection(settings["ConnectionStrings:AuditKit"]))
            {
                await connection.OpenAsync();
                (await connection.ScalarAsync("SELECT relkind::text FROM pg_class WHERE oid = 'audit_events'::regclass")).ShouldBe("p");
                (await connection.ScalarAsync("SELECT count(*) FROM audit_events_default")).ShouldBe(1L);
                (await connection.ScalarAsync("SELECT count(*) FROM ONLY audit_events")).ShouldBe(0L);
                (await connection.ScalarAsync("SELECT count(*) FROM audit_events")).ShouldBe(5L);
                (await connection.ScalarAsync("SELECT relrowsecurity FROM pg_class WHERE oid = 'audit_events'::regclass")).ShouldBe(true);
                (await connection.ScalarAsync(
                    $"SELECT count(*) FROM pg_policy WHERE polrelid = 'audit_events'::regclass AND polname = '{RowLevelSecurity.Policy}'")).ShouldBe(1L);
                (await connection.ScalarAsync(
                    "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal")).ShouldBe(4L);
                (await connection.ScalarAsync("SELECT sum(event_count) FROM audit_event_hourly")).ShouldBe(5m);
            }

            var after = await store.QueryAsync(a, new AuditEventQuery(), default);
            after.Items.Select(static e => (e.Id, e.Description)).ShouldBe(listed.Items.Select(static e => (e.Id, e.Description)));
            (await store.QueryAsync(a, new AuditEventQuery { Search = "invoice" }, default)).Items.Select(static e => e.Id)
                .ShouldBe(searched.Items.Select(static e => e.Id));
            (await store.QueryAsync(b, new AuditEventQuery(), default)).Items.Count.ShouldBe(1);

            // Dedup still refuses a stored id, the v4 one in the default partition as well; new events go on the chain.
            var again = await store.InsertLinkedAsync(a, [v4, listed.Items[0]], s_received, AuditInsertHooks.None, default);
            again.Select(static r => r.Outcome).ShouldBe([AuditInsertOutcome.Duplicate, AuditInsertOutcome.Duplicate]);
            var fresh = await store.InsertLinkedAsync(a, [NewEvent("after")], s_received, AuditInsertHooks.None, default);
            fresh.Single().Seq.ShouldBe(5);
            (await services.GetRequiredService<AuditChainVerification>().VerifyAsync(a, null, null, default))
                .ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(5));
        }
        finally
        {
            await drop();
        }
    }

    [Fact]
    public async Task Concurrent_batches_of_one_tenant_are_numbered_in_commit_order_without_gaps()
    {
        var tenant = NewTenant();

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Events.InsertLinkedAsync(tenant, [NewEvent(), NewEvent(), NewEvent()], s_received, AuditInsertHooks.None, default))));

        batches.SelectMany(static b => b).Select(static r => r.Seq!.Value).Order().ShouldBe(Enumerable.Range(1, 24).Select(static i => (long)i));
        (await Verification.VerifyAsync(tenant, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(24));
    }

    [Fact]
    public async Task A_tenant_whose_head_is_locked_does_not_hold_up_another_tenant()
    {
        var (busy, other) = (NewTenant(), NewTenant());
        await Events.InsertLinkedAsync(busy, [NewEvent()], s_received, AuditInsertHooks.None, default);
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await AuditChain.LockHeadAsync(connection, transaction, PostgresSqlDialect.Instance, busy, default);

        // Another tenant goes through while the busy one's head is held…
        var otherInsert = Events.InsertLinkedAsync(other, [NewEvent()], s_received, AuditInsertHooks.None, default);
        (await otherInsert.WaitAsync(TimeSpan.FromSeconds(30))).Single().Seq.ShouldBe(1);

        // …and the busy tenant's next insert waits for it, then takes the next seq.
        var busyInsert = Events.InsertLinkedAsync(busy, [NewEvent()], s_received, AuditInsertHooks.None, default);
        await Task.Delay(300);
        busyInsert.IsCompleted.ShouldBeFalse();
        await transaction.RollbackAsync();
        (await busyInsert.WaitAsync(TimeSpan.FromSeconds(30))).Single().Seq.ShouldBe(2);
    }

    [Fact]
    public async Task The_bulk_load_of_the_seed_command_chains_every_tenant()
    {
        var (one, two) = (NewTenant(), NewTenant());
        var load = Services.GetRequiredService<PostgresBulkLoad>();
        List<AuditEventRow> Batch() => [.. Enumerable.Range(0, 50).Select(i => AuditEventRow.From(i % 3 == 0 ? one : two, NewEvent(), s_received))];

        await Task.WhenAll(load.CopyAsync(Batch(), default), load.CopyAsync(Batch(), default), load.CopyAsync(Batch(), default));

        (await Verification.VerifyAsync(one, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(51));
        (await Verification.VerifyAsync(two, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(99));
    }

    [Fact]
    public async Task The_server_s_registered_store_links_every_insert_into_the_chain_whatever_the_settings_say()
    {
        // The store's chain switch is for the load tool's same-build comparison only: no setting reaches it.
        await using var server = TestServerHost.Create(
        [
            TestServerHost.UnpacedDetection,
            KeyValuePair.Create("ConnectionStrings:AuditKit", (string?)database.ConnectionString),
            KeyValuePair.Create("AuditKit:Storage:Chain", (string?)"false"),
            KeyValuePair.Create("AuditKit:Chain", (string?)"false"),
            KeyValuePair.Create("AuditKit:Integrity:Chain", (string?)"false"),
        ]);
        var store = server.Services.GetRequiredService<IAuditEventStore>();
        var tenant = NewTenant();

        var inserted = await store.InsertLinkedAsync(tenant, [NewEvent(), NewEvent()], s_received, AuditInsertHooks.None, default);

        store.ShouldBeOfType<PostgresAuditEventStore>().Chain.ShouldBeTrue();
        inserted.Select(static r => r.Seq).ShouldBe([1L, 2L]);
        inserted.ShouldAllBe(static r => r.Hash != null && r.Hash.Length == 32);
        (await Verification.VerifyAsync(tenant, null, null, default)).ShouldSatisfyAllConditions(v => v.Ok.ShouldBeTrue(), v => v.VerifiedEvents.ShouldBe(2));
    }

    [Fact]
    public async Task The_store_with_the_chain_switched_off_writes_none_of_it_and_still_refuses_duplicates()
    {
        var store = new PostgresAuditEventStore(Services.GetRequiredService<NpgsqlDataSource>()) { Chain = false };
        var tenant = NewTenant();
        AuditEvent[] events = [NewEvent(), NewEvent(), NewEvent()];

        var first = await store.InsertLinkedAsync(tenant, events[..2], s_received, AuditInsertHooks.None, default);
        var again = await store.InsertLinkedAsync(tenant, events, s_received, AuditInsertHooks.None, default);

        first.ShouldAllBe(static r => r.Outcome == AuditInsertOutcome.Inserted && r.Hash == null);
        again.Select(static r => r.Outcome).ShouldBe([AuditInsertOutcome.Duplicate, AuditInsertOutcome.Duplicate, AuditInsertOutcome.Inserted]);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM audit_chain_heads WHERE tenant_id = @t), " +
            "(SELECT count(*) FROM audit_events WHERE tenant_id = @t AND hash IS NULL AND salt IS NULL AND personal_digests IS NULL), " +
            "(SELECT count(DISTINCT seq) FROM audit_events WHERE tenant_id = @t)", connection);
        command.Parameters.AddWithValue("t", tenant);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)).ShouldBe((0L, 3L, 3L));
    }
}
