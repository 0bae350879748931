namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>
/// A trigger that makes the database refuse (raise an error on) the inserts of some rows, as a full disk or a failing
/// constraint would; dropped when the returned object is disposed.
/// </summary>
internal static class RefusingTrigger
{
    /// <summary>Refuses every audit event of <paramref name="tenantId"/> with <paramref name="category"/>.</summary>
    public static Task<IAsyncDisposable> PostgresEventsAsync(string connectionString, string tenantId, string category) =>
        PostgresAsync(connectionString, "audit_events", $"NEW.tenant_id = '{tenantId}' AND NEW.category = '{category}'");

    /// <summary>Refuses every audit event of <paramref name="tenantId"/> with <paramref name="category"/>.</summary>
    public static Task<IAsyncDisposable> SqliteEventsAsync(string databasePath, string tenantId, string category) =>
        SqliteAsync(databasePath, "audit_events", $"NEW.tenant_id = '{tenantId}' AND NEW.category = '{category}'");

    /// <summary>Refuses the rows inserted into <paramref name="table"/> for which <paramref name="condition"/> (on <c>NEW</c>) holds.</summary>
    public static async Task<IAsyncDisposable> PostgresAsync(string connectionString, string table, string condition)
    {
        var trigger = Name();
        await ExecutePostgresAsync(
            connectionString,
            $"""
            CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {condition} THEN RAISE EXCEPTION 'refused by test trigger'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {trigger} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {trigger}();
            """);
        return new Undo(() => ExecutePostgresAsync(connectionString, $"DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {trigger}();"));
    }

    /// <summary>Refuses the rows inserted into <paramref name="table"/> for which <paramref name="condition"/> (on <c>NEW</c>) holds.</summary>
    public static async Task<IAsyncDisposable> SqliteAsync(string databasePath, string table, string condition)
    {
        var trigger = Name();
        await ExecuteSqliteAsync(
            databasePath,
            $"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} WHEN {condition} " +
            "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END;");
        return new Undo(() => ExecuteSqliteAsync(databasePath, $"DROP TRIGGER {trigger}"));
    }

    private static string Name() => "refuse_" + Guid.NewGuid().ToString("N")[..12];

    private static async Task ExecutePostgresAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteSqliteAsync(string databasePath, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
