using Npgsql;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// Row-level security on every table with a <c>tenant_id</c> column: a row is visible, updatable and insertable only
/// when its tenant is the session's <c>app.tenant_id</c>, or when the session's <c>app.scope</c> is <c>system</c>
/// (<see cref="StorageScope.System"/>). Both settings are set by <see cref="ApplyAsync"/> on every connection the
/// server opens (<see cref="StorageConnections"/>, <see cref="AuditDbContextFactoryExtensions"/>), and on the event store's
/// write pool, which is not reset between users, for each write transaction only (<see cref="TransactionScope"/>); a connection that
/// sets neither sees no row and may insert none. The policies bind the runtime role only: the owner role (which
/// migrates and owns the SECURITY DEFINER functions of retention and erasure) is not subject to them, as the tables
/// are not FORCEd (docs/security.md). Created by the migration <c>AddRowLevelSecurity</c>.
/// </summary>
internal static class RowLevelSecurity
{
    /// <summary>The setting that names the tenant of the session.</summary>
    public const string TenantSetting = "app.tenant_id";

    /// <summary>The setting that, set to <see cref="SystemScope"/>, opens every tenant's rows.</summary>
    public const string ScopeSetting = "app.scope";

    public const string SystemScope = "system";

    public const string Policy = "tenant_wall";

    /// <summary>The predicate of the policies, for reads (USING) and writes (WITH CHECK) alike.</summary>
    public const string Predicate =
        $"(tenant_id = current_setting('{TenantSetting}', true) OR current_setting('{ScopeSetting}', true) = '{SystemScope}')";

    /// <summary>
    /// Puts <paramref name="table"/> (which has a <c>tenant_id</c> column) behind the wall; a migration that adds such a
    /// table calls it too (a test checks that every such table has the policy).
    /// </summary>
    public static string Enable(string table) =>
        $"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;\n" +
        $"CREATE POLICY {Policy} ON {table} USING {Predicate} WITH CHECK {Predicate};\n";

    public static string Disable(string table) =>
        $"DROP POLICY IF EXISTS {Policy} ON {table};\n" +
        $"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;\n";

    /// <summary>
    /// Opens every tenant's rows to <paramref name="transaction"/> until it ends (<c>set_config(…, true)</c>), for the
    /// rare step of a tenant's transaction that changes another tenant's row; nothing on SQLite.
    /// </summary>
    public static async Task OpenToSystemAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Connection is not NpgsqlConnection connection)
        {
            return;
        }

        await using var command = new NpgsqlCommand($"SELECT set_config('{ScopeSetting}', '{SystemScope}', true)", connection, (NpgsqlTransaction)transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A statement that sets both settings for the rest of the transaction it runs in (<c>set_config(…, true)</c>): the
    /// tenant of <paramref name="scope"/> (or none), and the system scope (or none). When the transaction ends, by commit
    /// or rollback, the session is back to what it was, so a connection that only ever runs such transactions (the event
    /// store's write pool, <see cref="PostgresIngestDataSource"/>, which is not reset between users) carries no tenant
    /// from one user to the next. For an <see cref="NpgsqlBatch"/>, to share the round trip of the transaction's first
    /// statement.
    /// </summary>
    public static NpgsqlBatchCommand TransactionScope(StorageScope scope)
    {
        var command = new NpgsqlBatchCommand($"SELECT set_config('{TenantSetting}', $1, true), set_config('{ScopeSetting}', $2, true)");
        command.Parameters.Add(new NpgsqlParameter { Value = scope.TenantId ?? string.Empty });
        command.Parameters.Add(new NpgsqlParameter { Value = scope.IsSystem ? SystemScope : string.Empty });
        return command;
    }

    /// <summary>
    /// Sets both settings for the session of <paramref name="connection"/>, just opened from the pool: the tenant of
    /// <paramref name="scope"/> (or none), and the system scope (or none). Both are always written, so nothing the
    /// previous user of the pooled connection set survives (Npgsql's reset on close clears them as well).
    /// </summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, StorageScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            $"SELECT set_config('{TenantSetting}', $1, false), set_config('{ScopeSetting}', $2, false)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = scope.TenantId ?? string.Empty });
        command.Parameters.Add(new NpgsqlParameter { Value = scope.IsSystem ? SystemScope : string.Empty });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
