namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The event store's write pool (<see cref="PostgresIngestDataSource"/>) is not reset between users, so its staging
/// table outlives a batch. These tests hand every batch the same physical connection (a pool of one, as the runtime
/// role under row-level security) and check what the next user of that connection finds: no tenant, no staged rows,
/// the staging table itself still there; and that another tenant's batch on it stores its own rows only, after a
/// committed batch, a rolled-back one and a retried one alike.
/// </summary>
public sealed class PostgresIngestPoolTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_server_writes_through_a_pool_of_its_own_that_is_not_reset()
    {
        var ingest = server.Factory.Services.GetRequiredService<PostgresIngestDataSource>();
        var settings = new NpgsqlConnectionStringBuilder(ingest.DataSource.ConnectionString);
        settings.NoResetOnClose.ShouldBeTrue();
        settings.MaxPoolSize.ShouldBe(AuditStorageOptions.DefaultIngestPoolSize);
        settings.WriteBufferSize.ShouldBe(PostgresIngestDataSource.WriteBufferBytes);
        ingest.DataSource.ShouldNotBeSameAs(server.Factory.Services.GetRequiredService<NpgsqlDataSource>());

        // And it is the pool the store's batches go through: one of its connections holds the staging table after one.
        var tenant = await server.CreateTenantAsync("pool");
        await server.Factory.Services.GetRequiredService<IAuditEventStore>()
            .InsertAsync(tenant.Id, [StorageTestEvents.Minimal()], ReceivedAt, AuditInsertHooks.None, default);
        await using var superuser = new NpgsqlConnection(server.Database.SuperuserConnectionString);
        await superuser.OpenAsync();
        (await superuser.ScalarAsync(
            $"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            $"WHERE c.relname = 'audit_events_incoming' AND n.nspname LIKE 'pg_temp%'")).ShouldNotBe(0L);
    }

    [Fact]
    public async Task After_a_batch_the_connection_keeps_its_staging_table_empty_and_carries_no_tenant()
    {
        var (a, b) = (await server.CreateTenantAsync("pool"), await server.CreateTenantAsync("pool"));
        var (beforeA, beforeB) = (await CountAsync(a.Id), await CountAsync(b.Id));
        await using var pool = OneConnectionPool();
        var store = Store(pool);

        await store.InsertAsync(a.Id, Events(3), ReceivedAt, AuditInsertHooks.None, default);
        var (backend, table) = await InspectAsync(pool);

        // Another tenant's batch on the same connection: the same staging table (one INSERT … SELECT statement for
        // every batch), and it stores its own rows only.
        await store.InsertAsync(b.Id, Events(2), ReceivedAt, AuditInsertHooks.None, default);
        (await InspectAsync(pool)).ShouldBe((backend, table));
        (await CountAsync(a.Id)).ShouldBe(beforeA + 3);
        (await CountAsync(b.Id)).ShouldBe(beforeB + 2);
    }

    [Fact]
    public async Task A_rolled_back_batch_leaves_nothing_for_the_next_user_of_the_connection()
    {
        var (a, b) = (await server.CreateTenantAsync("pool"), await server.CreateTenantAsync("pool"));
        var (beforeA, beforeB) = (await CountAsync(a.Id), await CountAsync(b.Id));
        await using var pool = OneConnectionPool();
        var store = Store(pool);
        await store.InsertAsync(a.Id, Events(1), ReceivedAt, AuditInsertHooks.None, default);
        var (backend, table) = await InspectAsync(pool);

        // The rows are staged and moved, then the transaction fails after them (work in it throws) and rolls back.
        var failing = new AuditInsertHooks(Written: (_, _, _, _, _, _) => throw new InvalidOperationException("work alongside failed"));
        await Should.ThrowAsync<InvalidOperationException>(() => store.InsertAsync(a.Id, Events(4), ReceivedAt, failing, default));
        (await InspectAsync(pool)).ShouldBe((backend, table));

        await store.InsertAsync(b.Id, Events(2), ReceivedAt, AuditInsertHooks.None, default);
        (await InspectAsync(pool)).ShouldBe((backend, table));
        (await CountAsync(a.Id)).ShouldBe(beforeA + 1);
        (await CountAsync(b.Id)).ShouldBe(beforeB + 2);
    }

    [Fact]
    public async Task A_retried_batch_takes_the_dedup_path_on_the_same_connection_and_the_next_tenant_is_unaffected()
    {
        var (a, b) = (await server.CreateTenantAsync("pool"), await server.CreateTenantAsync("pool"));
        var (beforeA, beforeB) = (await CountAsync(a.Id), await CountAsync(b.Id));
        await using var pool = OneConnectionPool();
        var store = Store(pool);
        var batch = Events(3);
        await store.InsertAsync(a.Id, batch[..2], ReceivedAt, AuditInsertHooks.None, default);

        // Two of three already stored: the straight copy fails on the primary key and rolls back, the dedup path stores one.
        var outcomes = await store.InsertAsync(a.Id, batch, ReceivedAt, AuditInsertHooks.None, default);
        outcomes.ShouldBe([AuditInsertOutcome.Duplicate, AuditInsertOutcome.Duplicate, AuditInsertOutcome.Inserted]);
        await InspectAsync(pool);

        await store.InsertAsync(b.Id, Events(2), ReceivedAt, AuditInsertHooks.None, default);
        await InspectAsync(pool);
        (await CountAsync(a.Id)).ShouldBe(beforeA + 3);
        (await CountAsync(b.Id)).ShouldBe(beforeB + 2);
    }

    // A write pool of one connection, as the runtime role (row-level security applies), so every batch shares it.
    private PostgresIngestDataSource OneConnectionPool() =>
        PostgresIngestDataSource.Create(server.Database.RuntimeConnectionString, maxPoolSize: 1);

    // Without group commit, so each insert is one write on the one connection, in the order the test makes them.
    private PostgresAuditEventStore Store(PostgresIngestDataSource pool) =>
        new(server.Factory.Services.GetRequiredService<NpgsqlDataSource>(), ingest: pool) { GroupCommit = false };

    private static AuditEvent[] Events(int count) =>
        [.. Enumerable.Range(0, count).Select(i => StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddSeconds(i)))];

    /// <summary>
    /// What the next user of the pool's one connection finds: its backend and the staging table's OID (both returned,
    /// to compare across batches), no tenant setting, no staged row, and so no stored event visible.
    /// </summary>
    private static async Task<(int Backend, uint Table)> InspectAsync(PostgresIngestDataSource pool)
    {
        await using var connection = await pool.DataSource.OpenConnectionAsync();
        (await connection.ScalarAsync($"SELECT coalesce(current_setting('{RowLevelSecurity.TenantSetting}', true), '')")).ShouldBe(string.Empty);
        (await connection.ScalarAsync($"SELECT coalesce(current_setting('{RowLevelSecurity.ScopeSetting}', true), '')")).ShouldBe(string.Empty);
        var table = await connection.ScalarAsync("SELECT to_regclass('pg_temp.audit_events_incoming')::oid");
        table.ShouldNotBeNull();
        (await connection.ScalarAsync("SELECT count(*) FROM pg_temp.audit_events_incoming")).ShouldBe(0L);
        (await connection.ScalarAsync("SELECT count(*) FROM audit_events")).ShouldBe(0L);
        return (connection.ProcessID, (uint)table);
    }

    // The tenant's stored events (creating a tenant and its keys stores the admin events that record it).
    private async Task<long> CountAsync(string tenantId)
    {
        await using var connection = await server.Factory.Services.GetRequiredService<StorageConnections>().OpenAsync(StorageScope.Tenant(tenantId), default);
        return (long)(await connection.ScalarAsync("SELECT count(*) FROM audit_events"))!;
    }
}
