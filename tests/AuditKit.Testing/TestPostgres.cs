using Npgsql;

namespace AuditKit.Testing;

/// <summary>
/// The throwaway PostgreSQL server that <c>build/test.sh</c> starts on 127.0.0.1 and announces through the
/// <c>AUDITKIT_TEST_POSTGRES</c> environment variable. Every test class asks it for a database of its own.
/// </summary>
public static class TestPostgres
{
    public const string EnvironmentVariable = "AUDITKIT_TEST_POSTGRES";

    /// <summary>The connection string of the server's maintenance database.</summary>
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests with 'bash build/test.sh', which starts a throwaway " +
                "PostgreSQL on 127.0.0.1, or point the variable at a PostgreSQL server you own " +
                "(e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=...;Database=postgres).");

    /// <summary>Creates a new, empty database with a unique name and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "t", CancellationToken cancellationToken = default)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>The role that owns the schema in <see cref="CreateLeastPrivilegeDatabaseAsync"/>'s databases: it migrates.</summary>
    public const string OwnerRole = "auditkit_owner";

    /// <summary>The role the server runs requests with there: neither owner nor superuser.</summary>
    public const string RuntimeRole = "auditkit_app";

    /// <summary>
    /// Creates a new database owned by <see cref="OwnerRole"/> (creating both roles, non-superuser, when missing) and
    /// returns its three connection strings: the owner's (<c>ConnectionStrings:AuditKitMigrations</c>), the runtime
    /// role's (<c>ConnectionStrings:AuditKit</c>) and the superuser's, for tests that tamper with stored rows.
    /// </summary>
    public static async Task<LeastPrivilegeDatabase> CreateLeastPrivilegeDatabaseAsync(string prefix = "t", CancellationToken cancellationToken = default)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await EnsureRolesAsync(connection, cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" OWNER {OwnerRole}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true };
        return new LeastPrivilegeDatabase(
            new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Username = OwnerRole, Password = OwnerRole }.ConnectionString,
            new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Username = RuntimeRole, Password = RuntimeRole }.ConnectionString,
            admin.ConnectionString);
    }

    /// <summary>Creates <see cref="OwnerRole"/> and <see cref="RuntimeRole"/> when missing (build/test.sh creates them too).</summary>
    private static async Task EnsureRolesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        foreach (var role in new[] { OwnerRole, RuntimeRole })
        {
            // Several test classes may get here at once: a role another one just created is fine.
            await using var command = new NpgsqlCommand(
                $"DO $$ BEGIN CREATE ROLE {role} LOGIN PASSWORD '{role}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; " +
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
                connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its connections first.</summary>
    public static async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The connection strings of a database made by <see cref="TestPostgres.CreateLeastPrivilegeDatabaseAsync"/>.</summary>
public sealed record LeastPrivilegeDatabase(string OwnerConnectionString, string RuntimeConnectionString, string SuperuserConnectionString);
