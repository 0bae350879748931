namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The second tenant wall on PostgreSQL: row-level security binds the runtime role (<c>auditkit_app</c>, neither owner
/// nor superuser) to the tenant its connection was opened for, so a query that forgets its tenant predicate still sees
/// and writes that tenant's rows only. The queries below are deliberately wrong: none has a tenant predicate.
/// </summary>
public sealed class RowLevelSecurityTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Every_table_with_a_tenant_column_has_the_policy_and_binds_the_runtime_role()
    {
        await using var connection = await Connections.OpenAsync(StorageScope.System, default);
        var unguarded = await ListAsync(connection,
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition " +
            "AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) " +
            $"AND (NOT c.relrowsecurity OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = '{RowLevelSecurity.Policy}'))");
        unguarded.ShouldBeEmpty();

        var guarded = await ListAsync(connection, "SELECT c.relname FROM pg_class c WHERE c.relrowsecurity ORDER BY 1");
        guarded.ShouldContain("audit_events");
        guarded.Count.ShouldBe(14);
        (await connection.ScalarAsync("SELECT row_security_active('audit_events')")).ShouldBe(true);

        // The time partitions of audit_events carry no policy of their own: they are reached only through the table,
        // whose policy applies, as the runtime role holds no privilege on any of them.
        (await connection.ScalarAsync(
            "SELECT count(*) FROM pg_inherits i WHERE i.inhparent = 'audit_events'::regclass " +
            "AND has_table_privilege(current_user, i.inhrelid, 'SELECT, INSERT, UPDATE, DELETE')")).ShouldBe(0L);
        (await connection.ScalarAsync("SELECT count(*) > 0 FROM pg_inherits i WHERE i.inhparent = 'audit_events'::regclass")).ShouldBe(true);
    }

    [Fact]
    public async Task A_query_without_its_tenant_predicate_sees_only_the_tenant_the_connection_was_opened_for()
    {
        var (a, b) = await TwoTenantsWithEventsAsync();

        await using (var connection = await Connections.OpenAsync(StorageScope.Tenant(a), default))
        {
            (await ListAsync(connection, "SELECT DISTINCT tenant_id FROM audit_events")).ShouldBe([a]);
            (await ListAsync(connection, "SELECT DISTINCT tenant_id FROM audit_chain_heads")).ShouldBe([a]);
            (await ListAsync(connection, "SELECT DISTINCT tenant_id FROM api_keys")).ShouldBe([a]);
        }

        await using (var connection = await Connections.OpenAsync(StorageScope.Tenant(b), default))
        {
            (await ListAsync(connection, "SELECT DISTINCT tenant_id FROM audit_events")).ShouldBe([b]);
        }

        // The named cross-tenant work sees both.
        await using (var connection = await Connections.OpenAsync(StorageScope.System, default))
        {
            (await ListAsync(connection, "SELECT DISTINCT tenant_id FROM audit_events")).ShouldContain(a);
            (await ListAsync(connection, "SELECT DISTINCT tenant_id FROM audit_events")).ShouldContain(b);
        }
    }

    [Fact]
    public async Task An_EF_Core_query_without_its_tenant_predicate_sees_only_the_tenant_of_its_context()
    {
        var (a, _) = await TwoTenantsWithEventsAsync();
        var contexts = server.Factory.Services.GetRequiredService<IDbContextFactory<AuditDbContext>>();

        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(a), default);
        (await db.Events.Select(e => e.TenantId).Distinct().ToListAsync()).ShouldBe([a]);
        (await db.ApiKeys.Select(k => k.TenantId).Distinct().ToListAsync()).ShouldBe([a]);
    }

    [Fact]
    public async Task A_row_of_another_tenant_is_refused_on_insert_and_untouched_by_an_update()
    {
        var (a, b) = await TwoTenantsWithEventsAsync();
        await using var connection = await Connections.OpenAsync(StorageScope.Tenant(a), default);

        var refused = await Should.ThrowAsync<PostgresException>(() => connection.ExecuteAsync(
            $"INSERT INTO {DetectionModel.OutboxTable} (tenant_id, id, event_ids, event_count, created_at, attempts) " +
            $"VALUES ('{b}', gen_random_uuid(), '\\x', 0, now(), 0)"));
        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        refused.MessageText.ShouldContain("row-level security");

        // An update without its tenant predicate changes the connection's tenant's rows only.
        (await connection.ExecuteAsync("UPDATE audit_chain_heads SET seq = seq")).ShouldBe(1);
    }

    [Fact]
    public async Task A_connection_without_a_tenant_sees_nothing_and_may_insert_nothing()
    {
        await TwoTenantsWithEventsAsync();

        // Straight from the server's pool, past the connection factory: neither setting is set.
        await using var connection = await server.Factory.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        (await connection.ScalarAsync("SELECT count(*) FROM audit_events")).ShouldBe(0L);
        (await connection.ScalarAsync("SELECT count(*) FROM api_keys")).ShouldBe(0L);
        var refused = await Should.ThrowAsync<PostgresException>(() => connection.ExecuteAsync(
            "INSERT INTO audit_chain_heads (tenant_id, seq, hash) VALUES ('nobody', 0, '\\x00')"));
        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task A_pooled_connection_does_not_carry_a_tenant_to_its_next_user()
    {
        var (a, b) = await TwoTenantsWithEventsAsync();
        // A pool of one, so every open below is handed the same physical connection.
        await using var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(server.Database.RuntimeConnectionString) { MaxPoolSize = 1 }.ConnectionString);
        int backend;
        await using (var first = await StorageConnections.OpenPostgresAsync(dataSource, StorageScope.Tenant(a), default))
        {
            backend = first.ProcessID;
        }

        // The same physical connection, handed out again: through the factory it is the new tenant's only, and past the
        // factory it has no tenant at all (Npgsql resets the session when a connection goes back to the pool).
        await using (var second = await StorageConnections.OpenPostgresAsync(dataSource, StorageScope.Tenant(b), default))
        {
            second.ProcessID.ShouldBe(backend);
            (await ListAsync(second, "SELECT DISTINCT tenant_id FROM audit_events")).ShouldBe([b]);
        }

        await using var raw = await dataSource.OpenConnectionAsync();
        raw.ProcessID.ShouldBe(backend);
        (await raw.ScalarAsync($"SELECT coalesce(current_setting('{RowLevelSecurity.TenantSetting}', true), '')")).ShouldBe(string.Empty);
        (await raw.ScalarAsync("SELECT count(*) FROM audit_events")).ShouldBe(0L);
    }

    [Fact]
    public async Task The_stores_keep_working_as_the_runtime_role_through_the_wall()
    {
        var (a, b) = await TwoTenantsWithEventsAsync();
        var events = server.Factory.Services.GetRequiredService<IAuditEventStore>();

        var page = await events.QueryAsync(a, new AuditEventQuery { Limit = 100 }, default);
        page.Items.ShouldNotBeEmpty();
        page.Items.ShouldAllBe(e => e.TenantId == a);
        (await events.QueryAsync(b, new AuditEventQuery { Limit = 100 }, default)).Items.ShouldAllBe(e => e.TenantId == b);
    }

    private StorageConnections Connections => server.Factory.Services.GetRequiredService<StorageConnections>();

    private async Task<(string A, string B)> TwoTenantsWithEventsAsync()
    {
        var a = await server.CreateTenantAsync("rls");
        var b = await server.CreateTenantAsync("rls");
        foreach (var tenant in new[] { a, b })
        {
            (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync("/api/v1/audit-logs", new { action = "LOGIN" })).EnsureSuccessStatusCode();
        }

        return (a.Id, b.Id);
    }

    private static async Task<List<string>> ListAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
