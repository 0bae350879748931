namespace AuditKit.Server.Storage;

/// <summary>
/// The chain's bookkeeping inside an insert's transaction: lock and read a tenant's head, link new rows after it, save
/// the new head, and read back the links of events already stored (what a duplicate answers). Every writer of
/// <c>audit_events</c> (both stores, the bulk load of the <c>seed</c> command, records written alongside another
/// tenant's insert) goes through it, so no event is stored without its place in the chain.
/// </summary>
internal static class AuditChain
{
    private static readonly string s_selectHead = $"SELECT seq, hash FROM {AuditDbContext.ChainHeadsTable} WHERE tenant_id = @tenant_id";

    private static readonly string s_insertGenesis =
        $"INSERT INTO {AuditDbContext.ChainHeadsTable} (tenant_id, seq, hash) VALUES (@tenant_id, 0, @hash) ON CONFLICT (tenant_id) DO NOTHING";

    private static readonly string s_saveHead =
        $"INSERT INTO {AuditDbContext.ChainHeadsTable} (tenant_id, seq, hash) VALUES (@tenant_id, @seq, @hash) " +
        "ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";

    /// <summary>
    /// The tenant's head, locked until <paramref name="transaction"/> ends where the provider admits several writers
    /// (PostgreSQL: the row is created at genesis on first use, then locked <c>FOR UPDATE</c>); (0, 32 zero bytes)
    /// before the tenant's first event.
    /// </summary>
    public static async Task<(long Seq, byte[] Hash)> LockHeadAsync(
        DbConnection connection, DbTransaction transaction, AuditSqlDialect dialect, string tenantId, CancellationToken cancellationToken)
    {
        // A provider whose write transaction admits one writer at a time needs no row lock.
        var locking = dialect.TenantLock("@x") is not null;
        var select = locking ? s_selectHead + " FOR UPDATE" : s_selectHead;
        if (await ReadHeadAsync(connection, transaction, select, tenantId, cancellationToken).ConfigureAwait(false) is { } head)
        {
            return head;
        }

        if (!locking)
        {
            return (0, new byte[AuditEventCanonicalForm.HashLength]);
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = s_insertGenesis;
            DbParameters.Add(insert, "@tenant_id", tenantId);
            DbParameters.Add(insert, "@hash", new byte[AuditEventCanonicalForm.HashLength]);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await ReadHeadAsync(connection, transaction, select, tenantId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The chain head of tenant '{tenantId}' could not be created.");
    }

    /// <summary>The tenant's head as last committed, not locked; null before its first event (no head row yet).</summary>
    public static Task<(long Seq, byte[] Hash)?> ReadCommittedHeadAsync(
        DbConnection connection, DbTransaction transaction, string tenantId, CancellationToken cancellationToken) =>
        ReadHeadAsync(connection, transaction, s_selectHead, tenantId, cancellationToken);

    /// <summary>
    /// Moves the tenant's head from <paramref name="after"/> to <paramref name="head"/>, locked until
    /// <paramref name="transaction"/> ends; false, with nothing changed, when the head is not <paramref name="after"/>.
    /// The head is locked first (<c>FOR UPDATE</c>, which waits for a writer of the tenant that holds it and then reads
    /// the head that writer left), then compared: a conditional <c>UPDATE</c> alone would compare with the head as it
    /// was when it began and never wait.
    /// </summary>
    public static async Task<bool> AdvanceHeadAsync(
        DbConnection connection, DbTransaction transaction, string tenantId, (long Seq, byte[] Hash) after, (long Seq, byte[] Hash) head,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(after.Hash);
        if (await ReadHeadAsync(connection, transaction, s_selectHead + " FOR UPDATE", tenantId, cancellationToken).ConfigureAwait(false) is not { } locked ||
            locked.Seq != after.Seq || !locked.Hash.AsSpan().SequenceEqual(after.Hash))
        {
            return false;
        }

        await SaveHeadAsync(connection, transaction, tenantId, head, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stores the tenant's new head.</summary>
    public static async Task SaveHeadAsync(
        DbConnection connection, DbTransaction transaction, string tenantId, (long Seq, byte[] Hash) head, CancellationToken cancellationToken)
    {
        await using var save = connection.CreateCommand();
        save.Transaction = transaction;
        save.CommandText = s_saveHead;
        DbParameters.Add(save, "@tenant_id", tenantId);
        DbParameters.Add(save, "@seq", head.Seq);
        DbParameters.Add(save, "@hash", head.Hash);
        await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The (seq, hash) of those of <paramref name="ids"/> that the tenant has stored.</summary>
    public static async Task<Dictionary<Guid, (long Seq, byte[]? Hash)>> ReadLinksAsync(
        DbConnection connection, DbTransaction? transaction, AuditSqlDialect dialect, string tenantId, IReadOnlyCollection<Guid> ids,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(ids);
        var links = new Dictionary<Guid, (long, byte[]?)>(ids.Count);
        if (ids.Count == 0)
        {
            return links;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        DbParameters.Add(command, "@tenant_id", tenantId);
        var names = new List<string>(ids.Count);
        foreach (var id in ids)
        {
            names.Add(DbParameters.Add(command, "@id" + names.Count.ToString(CultureInfo.InvariantCulture), dialect.IdValue(id)));
        }

        command.CommandText =
            $"SELECT id, seq, hash FROM {AuditDbContext.EventsTable} WHERE tenant_id = @tenant_id AND id IN ({string.Join(", ", names)})";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            links[dialect.ReadId(reader, 0)] = (reader.GetInt64(1), reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2));
        }

        return links;
    }

    private static async Task<(long Seq, byte[] Hash)?> ReadHeadAsync(
        DbConnection connection, DbTransaction transaction, string sql, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        DbParameters.Add(command, "@tenant_id", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : null;
    }
}
