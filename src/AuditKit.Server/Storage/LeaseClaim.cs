namespace AuditKit.Server.Storage;

/// <summary>
/// The one claim of due rows with a lease, for the detection outbox sweeper and the webhook dispatcher: several server
/// processes share the due rows of a table without taking the same row twice while its lease runs (see
/// <see cref="AuditSqlDialect.ClaimDue"/>); and the one update of a claimed row, by which the claimer postpones or
/// completes it.
/// </summary>
internal static class LeaseClaim
{
    /// <summary>
    /// Claims at most <paramref name="limit"/> rows of <paramref name="table"/> that are <paramref name="due"/> at
    /// <paramref name="now"/> (given the command and the parameter holding now), first by <paramref name="orderBy"/>,
    /// until <paramref name="now"/> + <paramref name="lease"/>, in a statement of its own; returns their
    /// <paramref name="columns"/> as <paramref name="read"/> makes them.
    /// </summary>
    public static async Task<List<T>> ClaimDueAsync<T>(
        StorageConnections connections,
        string table,
        DateTimeOffset now,
        TimeSpan lease,
        int limit,
        Func<DbCommand, string, string> due,
        string orderBy,
        string[] columns,
        Func<DbDataReader, AuditSqlDialect, T> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(due);
        ArgumentNullException.ThrowIfNull(read);
        var sql = connections.Dialect;
        now = AuditEventRow.ToStoredTime(now);
        await using var connection = await connections.OpenAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var nowParameter = DbParameters.Add(command, "@now", sql.TimeValue(now));
        var until = DbParameters.Add(command, "@until", sql.TimeValue(now + lease));
        var n = DbParameters.Add(command, "@n", limit);
        command.CommandText = sql.ClaimDue(table, due(command, nowParameter), orderBy, n, until, columns);
        var claimed = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(read(reader, sql));
        }

        return claimed;
    }

    /// <summary>
    /// Sets what <paramref name="set"/> writes (given the command and the dialect) on the row <paramref name="id"/> of
    /// <paramref name="tenantId"/> in <paramref name="table"/>, over a connection of the tenant: how the claimer of a
    /// row postpones or completes it.
    /// </summary>
    public static async Task UpdateClaimedAsync(
        StorageConnections connections,
        string table,
        string tenantId,
        Guid id,
        Func<DbCommand, AuditSqlDialect, string> set,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(set);
        var sql = connections.Dialect;
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"UPDATE {table} SET {set(command, sql)} " +
            $"WHERE tenant_id = {DbParameters.Add(command, "@t", tenantId)} AND id = {DbParameters.Add(command, "@id", sql.IdValue(id))}";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
