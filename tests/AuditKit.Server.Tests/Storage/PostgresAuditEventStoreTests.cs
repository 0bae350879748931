using AuditKit.Server.Storage;
using AuditKit.Server.Storage.Postgres;
using AuditKit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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
                (await servers[0].GetRequiredService<IAuditEventStore>().InsertAsync("t", [e], StorageTestEvents.BaseTime, default))
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
        indexes["ix_audit_events_tenant_timestamp"].ShouldContain("(tenant_id, \"timestamp\" DESC, id DESC)");
        indexes["ix_audit_events_tenant_timestamp"].ShouldEndWith("INCLUDE (action, severity, status, service_name, user_id, ip_address)");
        indexes["ix_audit_events_tenant_user_timestamp"].ShouldEndWith("INCLUDE (ip_address)");
        indexes["ix_audit_events_tenant_user_timestamp"].ShouldContain("(tenant_id, user_id, \"timestamp\" DESC");
        indexes["ix_audit_events_tenant_resource_timestamp"].ShouldContain("(tenant_id, resource_type, resource_id, \"timestamp\" DESC");
        indexes["ix_audit_events_metadata"].ShouldContain("USING gin (metadata jsonb_path_ops)");
        indexes["ix_audit_events_search"].ShouldContain("USING gin (search_vector)");
        indexes.Where(i => i.Key.StartsWith("ix_audit_events_tenant", StringComparison.Ordinal) || i.Key.StartsWith("pk_", StringComparison.Ordinal))
            .ShouldAllBe(i => i.Value.Contains("(tenant_id,", StringComparison.Ordinal));
    }
}
