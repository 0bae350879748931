using Microsoft.Data.Sqlite;
using Npgsql;

namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>
/// A trigger that makes the database refuse (raise an error on) every audit event of one tenant and category, as a full
/// disk or a failing constraint would; dropped when the returned object is disposed.
/// </summary>
internal static class RefusingTrigger
{
    public static async Task<IAsyncDisposable> PostgresAsync(string connectionString, string tenantId, string category)
    {
        var trigger = Name();
        await ExecutePostgresAsync(
            connectionString,
            $"""
            CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.tenant_id = '{tenantId}' AND NEW.category = '{category}' THEN RAISE EXCEPTION 'refused by test trigger'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {trigger} BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION {trigger}();
            """);
        return new Undo(() => ExecutePostgresAsync(connectionString, $"DROP TRIGGER {trigger} ON audit_events; DROP FUNCTION {trigger}();"));
    }

    public static async Task<IAsyncDisposable> SqliteAsync(string databasePath, string tenantId, string category)
    {
        var trigger = Name();
        await ExecuteSqliteAsync(
            databasePath,
            $"CREATE TRIGGER {trigger} BEFORE INSERT ON audit_events WHEN new.tenant_id = '{tenantId}' AND new.category = '{category}' " +
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
