namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// PostgreSQL with two roles: the owner migrates, the server runs as <c>auditkit_app</c>, which may INSERT and SELECT
/// events and checkpoints but not UPDATE or DELETE them, and deletes only through the retention function. Checked with
/// Npgsql as that role, directly.
/// </summary>
public sealed class LeastPrivilegeTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task The_server_runs_as_the_runtime_role_which_is_neither_owner_nor_superuser()
    {
        var options = server.Factory.Services.GetRequiredService<IOptions<AuditStorageOptions>>().Value;
        new NpgsqlConnectionStringBuilder(options.PostgresConnectionString).Username.ShouldBe(TestPostgres.RuntimeRole);

        await using var connection = await OpenRuntimeAsync();
        (await connection.ScalarAsync("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")).ShouldBe(false);
        (await connection.ScalarAsync("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_events'")).ShouldBe(TestPostgres.OwnerRole);
        (await connection.ScalarAsync($"SELECT proowner::regrole::text FROM pg_proc WHERE proname = '{RetentionCutSql.Function}'")).ShouldBe(TestPostgres.OwnerRole);
    }

    [Theory]
    [InlineData("UPDATE audit_events SET action = 'READ' WHERE tenant_id = @t")]
    [InlineData("DELETE FROM audit_events WHERE tenant_id = @t")]
    [InlineData("TRUNCATE audit_events")]
    [InlineData("UPDATE integrity_checkpoints SET key_id = 'forged' WHERE tenant_id = @t")]
    [InlineData("DELETE FROM integrity_checkpoints WHERE tenant_id = @t")]
    [InlineData("DELETE FROM audit_chain_heads WHERE tenant_id = @t")]
    [InlineData("INSERT INTO retention_cuts (tenant_id, cut_at, cut_before, deleted_events, performed_by) VALUES (@t, now(), now(), 1, 'x')")]
    [InlineData("DELETE FROM retention_cuts WHERE tenant_id = @t")]
    public async Task The_runtime_role_may_not_change_or_delete_what_proves_the_chain(string sql)
    {
        var tenant = await server.CreateTenantAsync("lp");
        (await server.CreateClient(tenant.IngestKey).PostAsJsonAsync("/api/v1/audit-logs", new { action = "LOGIN" })).EnsureSuccessStatusCode();
        await using var connection = await OpenRuntimeAsync();

        var denied = await Should.ThrowAsync<PostgresException>(async () =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("t", tenant.Id);
            await command.ExecuteNonQueryAsync();
        });

        denied.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);

        // Row-level security shows the role the tenant's rows only once the tenant is set (RowLevelSecurityTests).
        await connection.ScalarAsync($"SELECT set_config('{RowLevelSecurity.TenantSetting}', '{tenant.Id}', false)");
        (await connection.ScalarAsync($"SELECT count(*) FROM audit_events WHERE tenant_id = '{tenant.Id}'")).ShouldBe(5L);
    }

    [Fact]
    public async Task The_runtime_role_may_read_and_append_events()
    {
        await using var connection = await OpenRuntimeAsync();
        (await connection.ScalarAsync("SELECT has_table_privilege(current_user, 'audit_events', 'INSERT') AND has_table_privilege(current_user, 'audit_events', 'SELECT')"))
            .ShouldBe(true);
        (await connection.ScalarAsync("SELECT has_table_privilege(current_user, 'audit_chain_heads', 'UPDATE')")).ShouldBe(true);
    }

    [Fact]
    public async Task Only_the_runtime_role_may_execute_the_privileged_functions()
    {
        await using var connection = await OpenRuntimeAsync();
        PostgresRuntimeGrants.Functions.Count.ShouldBe(6);
        foreach (var signature in PostgresRuntimeGrants.Functions)
        {
            (await connection.ScalarAsync($"SELECT has_function_privilege('{TestPostgres.RuntimeRole}', '{signature}', 'EXECUTE')")).ShouldBe(true);
            (await connection.ScalarAsync($"SELECT prosecdef FROM pg_proc WHERE oid = '{signature}'::regprocedure")).ShouldBe(true);

            // Nobody else: EXECUTE is revoked from PUBLIC (an ACL entry "=X/owner" would grant it to every role).
            var acl = (string)(await connection.ScalarAsync($"SELECT proacl::text FROM pg_proc WHERE oid = '{signature}'::regprocedure"))!;
            acl.ShouldNotContain("{=X", Case.Sensitive);
            acl.ShouldNotContain(",=X", Case.Sensitive);
        }
    }

    [Fact]
    public async Task Granting_again_takes_back_a_privilege_given_by_hand()
    {
        await using (var superuser = await server.OpenTamperConnectionAsync())
        await using (var command = superuser.CreateCommand())
        {
            command.CommandText = $"GRANT UPDATE, DELETE ON audit_events TO {TestPostgres.RuntimeRole}";
            await command.ExecuteNonQueryAsync();
        }

        await using (var owner = new NpgsqlConnection(server.Database.OwnerConnectionString))
        {
            await owner.OpenAsync();
            await PostgresRuntimeGrants.ApplyAsync(owner, TestPostgres.RuntimeRole, default);
            await PostgresRuntimeGrants.ApplyAsync(owner, TestPostgres.RuntimeRole, default);
        }

        await using var connection = await OpenRuntimeAsync();
        (await connection.ScalarAsync("SELECT has_table_privilege(current_user, 'audit_events', 'UPDATE') OR has_table_privilege(current_user, 'audit_events', 'DELETE')"))
            .ShouldBe(false);
        (await connection.ScalarAsync("SELECT has_table_privilege(current_user, 'audit_events', 'INSERT')")).ShouldBe(true);
    }

    [Fact]
    public async Task The_seed_commands_bulk_load_runs_as_the_owner_past_row_level_security()
    {
        // COPY FROM into a table under row-level security is refused to the runtime role, and only the owner may VACUUM.
        var tenant = await server.CreateTenantAsync("seed");
        var load = server.Factory.Services.GetRequiredService<PostgresBulkLoad>();
        var received = DateTimeOffset.UtcNow;
        List<AuditEventRow> batch = [.. Enumerable.Range(0, 20).Select(_ => AuditEventRow.From(tenant.Id, StorageTestEvents.Minimal(received.AddMinutes(-5)), received))];

        await load.CopyAsync(batch, default);
        await load.AnalyzeAsync(default);

        using var read = server.CreateClient(tenant.ReadKey);
        var verified = await read.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/integrity/verify");
        verified.GetProperty("ok").GetBoolean().ShouldBeTrue();
        verified.GetProperty("verified_events").GetInt64().ShouldBeGreaterThanOrEqualTo(20);
    }

    [Fact]
    public void The_script_in_the_documentation_is_the_one_the_server_applies()
    {
        var docs = File.ReadAllText(Path.Combine(Repository.Root(), "docs", "server.md")).ReplaceLineEndings("\n");
        docs.ShouldContain(PostgresRuntimeGrants.Script("auditkit_app"));
    }

    private async Task<NpgsqlConnection> OpenRuntimeAsync()
    {
        var connection = new NpgsqlConnection(server.Database.RuntimeConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
