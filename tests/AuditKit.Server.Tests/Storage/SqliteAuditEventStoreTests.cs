namespace AuditKit.Server.Tests.Storage;

/// <summary>The storage contract on the embedded SQLite file (a real file in a temp directory per test).</summary>
public sealed class SqliteAuditEventStoreTests : AuditEventStoreContractTests
{
    private readonly TempDirectory _directory = new("auditkit-storage");

    private string DatabasePath => _directory.File(Path.Combine("nested", "auditkit.db"));

    private protected override Dictionary<string, string?> StorageSettings() => new()
    {
        ["AuditKit:Storage:SqlitePath"] = DatabasePath,
    };

    private protected override async Task RejectInsertsOfActionAsync(string action)
    {
        await using var connection = await Services.GetRequiredService<SqliteStorageConnection>().OpenAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "CREATE TRIGGER reject_action BEFORE INSERT ON audit_events WHEN new.action = $action " +
            "BEGIN SELECT RAISE(ABORT, 'rejected by test trigger'); END;";
        command.CommandText = command.CommandText.Replace("$action", "'" + action + "'", StringComparison.Ordinal);
        await command.ExecuteNonQueryAsync();
    }

    private protected override Task<(Dictionary<string, string?> Settings, Func<Task> Drop)> NewDatabaseAsync()
    {
        var path = _directory.File(Path.Combine("upgrade", Guid.NewGuid().ToString("N") + ".db"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return Task.FromResult<(Dictionary<string, string?>, Func<Task>)>(
            (new() { ["AuditKit:Storage:SqlitePath"] = path }, () => Task.CompletedTask));
    }

    private protected override async Task<string> SchemaAsync(Dictionary<string, string?> settings)
    {
        await using var connection = new SqliteConnection($"Data Source={settings["AuditKit:Storage:SqlitePath"]};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();

        // A table's CREATE text keeps the shape it was first created with (ALTER TABLE ADD COLUMN appends to it), so
        // tables are compared by their columns and foreign keys; indexes, triggers and the FTS table by their SQL.
        command.CommandText = """
            SELECT m.type || ' ' || m.name || ': ' || CASE WHEN m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%' THEN
                ifnull((SELECT group_concat(c.name || ' ' || c.type || ' notnull=' || c."notnull" || ' default=' || ifnull(c.dflt_value, '-')
                    || ' pk=' || c.pk || ' hidden=' || c.hidden, '; ') FROM (SELECT * FROM pragma_table_xinfo(m.name) ORDER BY name) c), '')
                || ' | ' || ifnull((SELECT group_concat(f."table" || '(' || f."from" || '->' || ifnull(f."to", '') || ') ' || f.on_delete, '; ')
                    FROM pragma_foreign_key_list(m.name) f), '')
            ELSE ifnull(m.sql, '') END
            FROM sqlite_master m WHERE m.name NOT LIKE '%EFMigrations%' ORDER BY m.type, m.name
            """;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public void Sqlite_is_used_when_no_postgres_connection_string_is_configured()
    {
        Events.ShouldBeOfType<SqliteAuditEventStore>();
        File.Exists(DatabasePath).ShouldBeTrue("the file and its missing directory are created on start");
    }

    [Fact]
    public async Task The_file_is_in_wal_mode_and_the_schema_came_from_migrations()
    {
        await using var connection = await Services.GetRequiredService<SqliteStorageConnection>().OpenAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        (await command.ExecuteScalarAsync()).ShouldBe("wal");
        command.CommandText = "SELECT count(*) FROM \"__EFMigrationsHistory\"";
        ((long)(await command.ExecuteScalarAsync())!).ShouldBeGreaterThan(0);
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'audit_events_fts'";
        (await command.ExecuteScalarAsync()).ShouldBe(1L);
    }

    [Fact]
    public async Task Starting_again_on_an_existing_file_keeps_its_events()
    {
        var e = StorageTestEvents.Minimal();
        await Events.InsertAsync("t", [e], StorageTestEvents.BaseTime, AuditInsertHooks.None, default);

        await using var again = BuildServices(StorageSettings());
        await again.GetRequiredService<AuditStorageInitializer>().InitializeAsync(default);

        (await again.GetRequiredService<IAuditEventStore>().GetAsync("t", e.Id, default)).ShouldNotBeNull();
    }
}
