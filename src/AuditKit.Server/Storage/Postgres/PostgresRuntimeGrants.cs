using Npgsql;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// What the runtime role (the role of <c>ConnectionStrings:AuditKit</c>) may do when a separate owner role
/// (<c>ConnectionStrings:AuditKitMigrations</c>) owns the schema: applied by the owner after every start-up migration,
/// idempotently (each table's privileges are revoked and granted again in one transaction, so a privilege an older
/// release granted does not linger). docs/server.md prints the same statements as the one-time script.
/// </summary>
/// <remarks>
/// The audit trail is append-only for the runtime role: it may INSERT and SELECT events and signed checkpoints but
/// never UPDATE or DELETE them. What removes or rewrites stored events goes through a SECURITY DEFINER function owned
/// by the owner role that records what it did (<see cref="Functions"/>: a new one is one more line there).
/// </remarks>
internal static class PostgresRuntimeGrants
{
    /// <summary>The privileges of the runtime role per table; a table not listed gets none.</summary>
    public static IReadOnlyList<(string Table, string Privileges)> Tables { get; } =
    [
        // Append-only: the chain and its witnesses.
        (AuditDbContext.EventsTable, "SELECT, INSERT"),
        (CheckpointRowConfiguration.Table, "SELECT, INSERT"),

        // The head moves forward (and is locked FOR UPDATE by writers); it is never deleted.
        (AuditDbContext.ChainHeadsTable, "SELECT, INSERT, UPDATE"),

        // Written by the retention function only.
        (RetentionCutRowConfiguration.Table, "SELECT"),

        // Inserted by the erasure function; the server adds the rewritten hash and the signature (never deletes).
        (ErasureAnchorRowConfiguration.Table, "SELECT, UPDATE"),

        // Kept by the triggers of audit_events, which run as the writer.
        (AuditDbContext.HourlyTable, "SELECT, INSERT, UPDATE, DELETE"),

        // The server's own state: tenants, keys, console users, detection, alerts and webhooks.
        ("tenants", "SELECT, INSERT, UPDATE"),
        ("api_keys", "SELECT, INSERT, UPDATE, DELETE"),
        ("api_key_set_version", "SELECT, INSERT, UPDATE"),
        (ConsoleUserRowConfiguration.Table, "SELECT, INSERT, UPDATE, DELETE"),
        (DetectionModel.OutboxTable, "SELECT, INSERT, UPDATE, DELETE"),
        (DetectionModel.UserIpsTable, "SELECT, INSERT, UPDATE, DELETE"),
        (DetectionModel.UserDaysTable, "SELECT, INSERT, UPDATE, DELETE"),
        (DetectionModel.UserMinutesTable, "SELECT, INSERT, UPDATE, DELETE"),
        (DetectionModel.AlertsTable, "SELECT, INSERT, UPDATE, DELETE"),
        (DetectionModel.WebhooksTable, "SELECT, INSERT, UPDATE, DELETE"),
        (DetectionModel.DeliveriesTable, "SELECT, INSERT, UPDATE, DELETE"),

        // Read by the start-up check of a server that does not migrate.
        ("__EFMigrationsHistory", "SELECT"),
    ];

    /// <summary>
    /// The SECURITY DEFINER functions (owned by the owner role) the runtime role may EXECUTE, by signature. Nobody else
    /// may: EXECUTE is revoked from PUBLIC.
    /// </summary>
    public static IReadOnlyList<string> Functions { get; } =
    [
        RetentionCutSql.Function + "(text, timestamp with time zone, integer)",
        ErasureSql.Signature,
        ErasureJsonSql.Signature,
        EventPartitionSql.EnsureSignature,
        EventPartitionSql.DropSignature,
        PartitionStatisticsSql.Signature,
    ];

    /// <summary>
    /// Grants <paramref name="runtimeRole"/> the privileges above on <paramref name="owner"/>'s database (tables and
    /// functions that do not exist yet are passed over), in one transaction.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlConnection owner, string runtimeRole, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentException.ThrowIfNullOrEmpty(runtimeRole);
        await using var transaction = await owner.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var tables = await ExistingAsync(owner, Tables, "to_regclass", entry => Identifier(entry.Table), cancellationToken).ConfigureAwait(false);
        var functions = await ExistingAsync(owner, Functions, "to_regprocedure", function => function, cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(Statements(runtimeRole, tables, functions, revokeTables: true), owner, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The statements <see cref="ApplyAsync"/> runs, for <paramref name="runtimeRole"/>, as a script (docs/server.md): all
    /// of them but the revoking of a table's privileges, which a first grant does not need.
    /// </summary>
    public static string Script(string runtimeRole) => Statements(runtimeRole, Tables, Functions, revokeTables: false);

    /// <summary>
    /// The grants of <paramref name="tables"/> and <paramref name="functions"/> to <paramref name="runtimeRole"/>, each
    /// table's preceded by the revoking of all it had when <paramref name="revokeTables"/>.
    /// </summary>
    private static string Statements(
        string runtimeRole, IEnumerable<(string Table, string Privileges)> tables, IEnumerable<string> functions, bool revokeTables)
    {
        var role = Identifier(runtimeRole);
        var sql = new StringBuilder();
        sql.Append("GRANT USAGE ON SCHEMA public TO ").Append(role).Append(";\n");
        foreach (var (table, privileges) in tables)
        {
            if (revokeTables)
            {
                sql.Append("REVOKE ALL ON TABLE ").Append(Identifier(table)).Append(" FROM ").Append(role).Append(";\n");
            }

            sql.Append("GRANT ").Append(privileges).Append(" ON TABLE ").Append(Identifier(table)).Append(" TO ").Append(role).Append(";\n");
        }

        sql.Append("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ").Append(role).Append(";\n");
        foreach (var function in functions)
        {
            sql.Append("REVOKE ALL ON FUNCTION ").Append(function).Append(" FROM PUBLIC;\n");
            sql.Append("GRANT EXECUTE ON FUNCTION ").Append(function).Append(" TO ").Append(role).Append(";\n");
        }

        return sql.ToString();
    }

    /// <summary>A quoted SQL identifier.</summary>
    internal static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Those of <paramref name="items"/> whose <paramref name="name"/> <paramref name="lookup"/> finds in the database.</summary>
    private static async Task<List<T>> ExistingAsync<T>(
        NpgsqlConnection connection, IEnumerable<T> items, string lookup, Func<T, string> name, CancellationToken cancellationToken)
    {
        var existing = new List<T>();
        foreach (var item in items)
        {
            await using var command = new NpgsqlCommand($"SELECT {lookup}(@name) IS NOT NULL", connection);
            command.Parameters.AddWithValue("name", name(item));
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                existing.Add(item);
            }
        }

        return existing;
    }
}
