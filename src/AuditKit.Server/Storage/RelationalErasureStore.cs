using System.Buffers.Binary;

namespace AuditKit.Server.Storage;

/// <summary>
/// <see cref="IErasureStore"/> for both providers: on PostgreSQL through the owner's SECURITY DEFINER function (the
/// runtime role has no UPDATE on <c>audit_events</c>), which computes the digests itself; on SQLite the server reads a
/// batch, computes the digests and updates the rows in one transaction.
/// </summary>
internal sealed class RelationalErasureStore(StorageConnections connections) : IErasureStore
{
    /// <summary>The personal fields of the canonical form (id and column), in the order their digests are appended.</summary>
    private static readonly (ushort Id, string Column)[] s_personal =
        [.. AuditEventCanonicalForm.Fields.Where(static f => f.Kind == "personal").Select(static f => (f.Id, f.Name))];

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
                $"SELECT rowid, salt, personal_digests, {string.Join(", ", s_personal.Select(static p => p.Column))} FROM {AuditDbContext.EventsTable} " +
                $"WHERE tenant_id = {DbParameters.Add(select, "@t", tenantId)} AND user_id = {DbParameters.Add(select, "@u", subject)} " +
                $"LIMIT {DbParameters.Add(select, "@n", limit)}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var salt = reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1);
                var kept = reader.IsDBNull(2) ? [] : reader.GetFieldValue<byte[]>(2);
                var values = new string?[s_personal.Length];
                for (var i = 0; i < s_personal.Length; i++)
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
                $"{string.Join(", ", s_personal.Select(static p => p.Column + " = NULL"))}, salt = NULL " +
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
        for (var i = 0; i < s_personal.Length; i++)
        {
            if (values[i] is not { } value)
            {
                continue;
            }

            BinaryPrimitives.WriteUInt16BigEndian(digests.AsSpan(at, 2), s_personal[i].Id);
            AuditEventCanonicalForm.PersonalDigest(salt, s_personal[i].Id, value).CopyTo(digests, at + 2);
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
}
