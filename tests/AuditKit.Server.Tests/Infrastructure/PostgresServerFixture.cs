namespace AuditKit.Server.Tests.Infrastructure;

/// <summary>
/// The server on a fresh PostgreSQL database of the throwaway test server, as in production: migrations run as the
/// owner role (<see cref="TestPostgres.OwnerRole"/>) and requests as the runtime role (<see cref="TestPostgres.RuntimeRole"/>,
/// which may not UPDATE or DELETE events). What the tests read or change behind the server's back goes through the
/// superuser (<see cref="OpenTamperConnectionAsync"/>).
/// </summary>
public sealed class PostgresServerFixture : AuditKitServerFixture
{
    // The superuser's connection string to the database.
    private string? _connectionString;

    public override string Provider => "PostgreSQL";

    /// <summary>The connection strings of the fixture's database: owner, runtime role and superuser.</summary>
    public LeastPrivilegeDatabase Database { get; private set; } = null!;

    public override async Task<bool> StoredDataContainsAsync(string text)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables " +
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            // The whole row as text: every column, whatever its type, without knowing the schema.
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} t WHERE strpos(t::text, @text) > 0", connection);
            command.Parameters.AddWithValue("text", text);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return true;
            }
        }

        return false;
    }

    public override async Task<System.Data.Common.DbConnection> OpenTamperConnectionAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public override Task<IAsyncDisposable> RefuseEventsAsync(string tenantId, string category) =>
        RefusingTrigger.PostgresEventsAsync(_connectionString!, tenantId, category);

    protected override async Task<IReadOnlyDictionary<string, string?>> CreateStorageSettingsAsync()
    {
        var database = await TestPostgres.CreateLeastPrivilegeDatabaseAsync("srv");
        Database = database;
        _connectionString = database.SuperuserConnectionString;
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings:AuditKit"] = database.RuntimeConnectionString,
            ["ConnectionStrings:AuditKitMigrations"] = database.OwnerConnectionString,
        };
    }

    protected override async Task DeleteStorageAsync()
    {
        if (_connectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(_connectionString);
        }
    }
}
