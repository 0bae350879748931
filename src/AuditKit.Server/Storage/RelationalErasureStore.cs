using System.Buffers.Binary;

namespace AuditKit.Server.Storage;

/// <summary>
/// <see cref="IErasureStore"/> for both providers: on PostgreSQL through the owner's SECURITY DEFINER function (the
/// runtime role has no UPDATE on <c>audit_events</c>), which computes the digests itself; on SQLite the server reads a
/// batch, computes the digests and updates the rows in one transaction.
/// </summary>
internal sealed class RelationalErasureStore(StorageConnections connections, TimeProvider timeProvider) : IErasureStore
{
    public Task<int> EraseEventsAsync(string tenantId, string subject, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return connections.IsPostgres
            ? EraseThroughFunctionAsync(tenantId, subject, limit, cancellationToken)
            : EraseDirectlyAsync(tenantId, subject, limit, cancellationToken);
    }

    private async Task<int> EraseThroughFunctionAsync(string tenantId, string subject, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {Postgres.ErasureSql.Function}({DbParameters.Add(command, "@t", tenantId)}, " +
            $"{DbParameters.Add(command, "@u", subject)}, {DbParameters.Add(command, "@n", limit)})";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    // SQLite has no roles: the server does what the function does, in one transaction.
    private async Task<int> EraseDirectlyAsync(string tenantId, string subject, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var erased = new List<(long RowId, byte[] Digests)>();
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText =
                $"SELECT rowid, salt, personal_digests, {string.Join(", ", ErasedFields.Personal.Select(static p => p.Column))} FROM {AuditDbContext.EventsTable} " +
                $"WHERE tenant_id = {DbParameters.Add(select, "@t", tenantId)} AND user_id = {DbParameters.Add(select, "@u", subject)} " +
                $"LIMIT {DbParameters.Add(select, "@n", limit)}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var salt = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
                var kept = reader.IsDBNull(2) ? [] : reader.GetFieldValue<byte[]>(2);
                var values = new string?[ErasedFields.Personal.Count];
                for (var i = 0; i < ErasedFields.Personal.Count; i++)
                {
                    values[i] = reader.IsDBNull(3 + i) ? null : reader.GetString(3 + i);
                }

                erased.Add((reader.GetInt64(0), Digests(salt, kept, values)));
            }
        }

        foreach (var (rowId, digests) in erased)
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText =
                $"UPDATE {AuditDbContext.EventsTable} SET personal_digests = {DbParameters.Add(update, "@d", digests)}, " +
                $"{string.Join(", ", ErasedFields.Personal.Select(static p => p.Column + " = NULL"))}, salt = NULL " +
                $"WHERE rowid = {DbParameters.Add(update, "@r", rowId)}";
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return erased.Count;
    }

    /// <summary>
    /// <paramref name="kept"/> (digests stored before), then for each personal field with a value its id (u16,
    /// big-endian) and its digest: the layout <see cref="AuditEventCanonicalForm.StoredDigest"/> reads.
    /// </summary>
    internal static byte[] Digests(byte[]? salt, byte[] kept, IReadOnlyList<string?> values)
    {
        var entry = 2 + AuditEventCanonicalForm.HashLength;
        var digests = new byte[kept.Length + (values.Count(static v => v is not null) * entry)];
        kept.CopyTo(digests, 0);
        var at = kept.Length;
        for (var i = 0; i < ErasedFields.Personal.Count; i++)
        {
            if (values[i] is not { } value)
            {
                continue;
            }

            BinaryPrimitives.WriteUInt16BigEndian(digests.AsSpan(at, 2), ErasedFields.Personal[i].Id);
            AuditEventCanonicalForm.PersonalDigest(salt, ErasedFields.Personal[i].Id, value).CopyTo(digests, at + 2);
            at += entry;
        }

        return digests;
    }

    public async Task EraseDerivedAsync(string tenantId, string subject, CancellationToken cancellationToken)
    {
        foreach (var table in (string[])[DetectionModel.UserIpsTable, DetectionModel.UserDaysTable, DetectionModel.UserMinutesTable])
        {
            await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText =
                $"DELETE FROM {table} WHERE tenant_id = {DbParameters.Add(command, "@t", tenantId)} AND user_id = {DbParameters.Add(command, "@u", subject)}";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // The alerts raised about the user (key type "user", AlertRules.UserKey); alerts keyed by an IP address are kept.
        await using (var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText =
                $"DELETE FROM {DetectionModel.AlertsTable} WHERE tenant_id = {DbParameters.Add(command, "@t", tenantId)} " +
                $"AND key_type = {DbParameters.Add(command, "@k", "user")} AND key_value = {DbParameters.Add(command, "@u", subject)}";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<string>> SubjectValuesAsync(string tenantId, string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var values = new SortedSet<string>(StringComparer.Ordinal) { subject };
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT DISTINCT username, user_email, ip_address FROM {AuditDbContext.EventsTable} " +
            $"WHERE tenant_id = {DbParameters.Add(command, "@t", tenantId)} AND user_id = {DbParameters.Add(command, "@u", subject)}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < 3; i++)
            {
                if (!reader.IsDBNull(i) && reader.GetString(i) is { Length: > 0 } value)
                {
                    values.Add(value);
                }
            }
        }

        return [.. values];
    }

    public Task<long?> EraseJsonAsync(string tenantId, Guid erasureId, IReadOnlyList<string> needles, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(needles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return connections.IsPostgres
            ? EraseJsonThroughFunctionAsync(tenantId, erasureId, needles, afterSeq, limit, cancellationToken)
            : EraseJsonDirectlyAsync(tenantId, erasureId, needles, afterSeq, limit, cancellationToken);
    }

    private async Task<long?> EraseJsonThroughFunctionAsync(string tenantId, Guid erasureId, IReadOnlyList<string> needles, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {Postgres.ErasureJsonSql.Function}({DbParameters.Add(command, "@t", tenantId)}, {DbParameters.Add(command, "@e", erasureId)}, " +
            $"{DbParameters.Add(command, "@n", needles.ToArray())}, {DbParameters.Add(command, "@a", afterSeq)}, {DbParameters.Add(command, "@l", limit)})";
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long last ? last : null;
    }

    // SQLite has no roles: the server does what the function does, in one transaction.
    private async Task<long?> EraseJsonDirectlyAsync(string tenantId, Guid erasureId, IReadOnlyList<string> needles, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var live = needles.Where(static n => n.Length > 0).ToList();
        if (live.Count == 0)
        {
            return null;
        }

        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var rewritten = new List<(long RowId, long Seq, byte[]? Hash, string?[] Old, string?[] New)>();
        long? last = null;
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            var text = string.Join(" || ", ErasedFields.Json.Select(static c => $"coalesce({c}, '')"));
            var contains = string.Join(" OR ", live.Select((n, i) => $"instr({text}, {DbParameters.Add(select, "@n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), n)}) > 0"));
            select.CommandText =
                $"SELECT rowid, seq, hash, {string.Join(", ", ErasedFields.Json)} FROM {AuditDbContext.EventsTable} " +
                $"WHERE tenant_id = {DbParameters.Add(select, "@t", tenantId)} AND seq > {DbParameters.Add(select, "@a", afterSeq)} AND ({contains}) " +
                $"ORDER BY seq LIMIT {DbParameters.Add(select, "@l", limit)}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                last = reader.GetInt64(1);
                var old = new string?[ErasedFields.Json.Count];
                var @new = new string?[ErasedFields.Json.Count];
                var changed = false;
                for (var i = 0; i < ErasedFields.Json.Count; i++)
                {
                    old[i] = reader.IsDBNull(3 + i) ? null : reader.GetString(3 + i);
                    @new[i] = ErasureJson.Rewrite(old[i], live);
                    changed |= @new[i] is not null;
                }

                if (changed)
                {
                    rewritten.Add((reader.GetInt64(0), last.Value, reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2), old, @new));
                }
            }
        }

        var erasedAt = connections.Dialect.TimeValue(AuditEventRow.ToStoredTime(timeProvider.GetUtcNow()));
        foreach (var (rowId, seq, hash, old, @new) in rewritten)
        {
            await using (var update = connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText =
                    $"UPDATE {AuditDbContext.EventsTable} SET " +
                    string.Join(", ", ErasedFields.Json.Select((c, i) => $"{c} = {DbParameters.Add(update, "@v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), @new[i] ?? old[i])}")) +
                    $" WHERE rowid = {DbParameters.Add(update, "@r", rowId)}";
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (hash is null)
            {
                continue;
            }

            await using var anchor = connection.CreateCommand();
            anchor.Transaction = transaction;
            anchor.CommandText =
                $"INSERT INTO {ErasureAnchorRowConfiguration.Table} (tenant_id, erasure_id, seq, original_hash, erased_at) VALUES (" +
                $"{DbParameters.Add(anchor, "@t", tenantId)}, {DbParameters.Add(anchor, "@e", ErasureIdValue(erasureId))}, {DbParameters.Add(anchor, "@s", seq)}, " +
                $"{DbParameters.Add(anchor, "@h", hash)}, {DbParameters.Add(anchor, "@at", erasedAt)}) ON CONFLICT DO NOTHING";
            await anchor.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return last;
    }

    public async Task<IReadOnlyList<ErasureAnchorRow>> UnsignedAnchorsAsync(string tenantId, Guid erasureId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return await ReadAnchorsAsync(
            tenantId,
            (command, t) => $"tenant_id = {t} AND erasure_id = {DbParameters.Add(command, "@e", ErasureIdValue(erasureId))} AND signature IS NULL",
            erasureId,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ErasureAnchorRow>> SignedAnchorsAsync(string tenantId, long fromSeq, long toSeq, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return await ReadAnchorsAsync(
            tenantId,
            (command, t) => $"tenant_id = {t} AND seq >= {DbParameters.Add(command, "@f", fromSeq)} AND seq <= {DbParameters.Add(command, "@to", toSeq)} AND signature IS NOT NULL",
            erasureId: null,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task SignAnchorsAsync(IReadOnlyList<ErasureAnchorRow> anchors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        if (anchors.Count == 0)
        {
            return;
        }

        var tenantId = anchors[0].TenantId;
        if (anchors.Any(a => !string.Equals(a.TenantId, tenantId, StringComparison.Ordinal)))
        {
            throw new ArgumentException("The anchors signed together are of one tenant.", nameof(anchors));
        }

        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // One statement, prepared once and run per anchor with its values.
        System.Data.Common.DbParameter Bind(string name)
        {
            DbParameters.Add(command, name, null);
            return command.Parameters[^1];
        }

        var (rewritten, signedAt, keyId, signature) = (Bind("@r"), Bind("@at"), Bind("@k"), Bind("@sig"));
        var (tenant, erasure, seq) = (Bind("@t"), Bind("@e"), Bind("@s"));
        tenant.Value = tenantId;
        command.CommandText =
            $"UPDATE {ErasureAnchorRowConfiguration.Table} SET rewritten_hash = @r, signed_at = @at, key_id = @k, signature = @sig " +
            "WHERE tenant_id = @t AND erasure_id = @e AND seq = @s AND signature IS NULL";
        foreach (var anchor in anchors)
        {
            rewritten.Value = anchor.RewrittenHash;
            signedAt.Value = connections.Dialect.TimeValue(anchor.SignedAt!.Value);
            keyId.Value = anchor.KeyId;
            signature.Value = anchor.Signature;
            erasure.Value = ErasureIdValue(anchor.ErasureId);
            seq.Value = anchor.Seq;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ErasureAnchorRow>> ReadAnchorsAsync(
        string tenantId, Func<System.Data.Common.DbCommand, string, string> where, Guid? erasureId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT erasure_id, seq, original_hash, rewritten_hash, erased_at, signed_at, key_id, signature FROM {ErasureAnchorRowConfiguration.Table} " +
            $"WHERE {where(command, DbParameters.Add(command, "@t", tenantId))} ORDER BY seq";
        var anchors = new List<ErasureAnchorRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            anchors.Add(new ErasureAnchorRow
            {
                TenantId = tenantId,
                ErasureId = erasureId ?? (reader.GetValue(0) is Guid guid ? guid : Guid.Parse(reader.GetString(0))),
                Seq = reader.GetInt64(1),
                OriginalHash = reader.GetFieldValue<byte[]>(2),
                RewrittenHash = reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3),
                ErasedAt = connections.Dialect.ReadTime(reader, 4),
                SignedAt = reader.IsDBNull(5) ? null : connections.Dialect.ReadTime(reader, 5),
                KeyId = reader.IsDBNull(6) ? null : reader.GetString(6),
                Signature = reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7),
            });
        }

        return anchors;
    }

    // EF Core keeps a Guid as uuid on PostgreSQL and as upper-case text on SQLite.
    private object ErasureIdValue(Guid erasureId) =>
        connections.IsPostgres ? erasureId : erasureId.ToString().ToUpperInvariant();
}
