namespace AuditKit.Server.Storage;

/// <summary>
/// <see cref="IRetentionStore"/> for both providers: the statements differ only in how values are written, which the
/// dialect of <see cref="StorageConnections"/> decides, and in how events are deleted: on PostgreSQL through the
/// owner's SECURITY DEFINER function (the runtime role has no DELETE on <c>audit_events</c>), on SQLite directly.
/// </summary>
internal sealed class RelationalRetentionStore(StorageConnections connections, TimeProvider timeProvider) : IRetentionStore
{
    /// <summary>The <c>performed_by</c> of a cut on SQLite, which has no database roles.</summary>
    public const string SqliteActor = "auditkit-server";

    public async Task<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken)
    {
        var tenants = new List<string>();
        await using var connection = await connections.OpenAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM tenants ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(reader.GetString(0));
        }

        return tenants;
    }

    public Task<RetentionChunk> DeleteEventsAsync(string tenantId, DateTimeOffset cut, int limit, CancellationToken cancellationToken) =>
        connections.IsPostgres
            ? DeleteThroughFunctionAsync(tenantId, cut, limit, cancellationToken)
            : DeleteAndRecordAsync(tenantId, cut, limit, cancellationToken);

    public async Task<int> EnsurePartitionsAsync(DateTimeOffset from, DateTimeOffset until, EventPartitionPeriod period, CancellationToken cancellationToken)
    {
        if (!connections.IsPostgres)
        {
            return 0;
        }

        await using var connection = await connections.OpenAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {Postgres.EventPartitionSql.EnsureFunction}({DbParameters.Add(command, "@from", from.ToUniversalTime())}, " +
            $"{DbParameters.Add(command, "@until", until.ToUniversalTime())}, {DbParameters.Add(command, "@daily", period == EventPartitionPeriod.Day)})";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<PartitionDrop>> DropPartitionAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        if (!connections.IsPostgres)
        {
            return [];
        }

        var tenants = new Dictionary<string, (int Deleted, List<RetentionRunEnd> RunEnds)>(StringComparer.Ordinal);
        await using var connection = await connections.OpenAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT tenant_id, deleted, anchor_seq, anchor_hash FROM {Postgres.EventPartitionSql.DropFunction}(" +
            $"{DbParameters.Add(command, "@before", connections.Dialect.TimeValue(AuditEventRow.ToStoredTime(before)))})";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var tenant = reader.GetString(0);
            if (!tenants.TryGetValue(tenant, out var dropped))
            {
                dropped = (reader.GetInt32(1), []);
                tenants[tenant] = dropped;
            }

            dropped.RunEnds.Add(new RetentionRunEnd(reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3)));
        }

        return [.. tenants.Select(static t => new PartitionDrop(t.Key, new RetentionChunk(t.Value.Deleted, t.Value.RunEnds)))];
    }

    // PostgreSQL: the runtime role may not DELETE events; the owner's SECURITY DEFINER function deletes and records.
    private async Task<RetentionChunk> DeleteThroughFunctionAsync(string tenantId, DateTimeOffset cut, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT deleted, anchor_seq, anchor_hash FROM {Postgres.RetentionCutSql.Function}(" +
            $"{DbParameters.Add(command, "@t", tenantId)}, {DbParameters.Add(command, "@cut", connections.Dialect.TimeValue(AuditEventRow.ToStoredTime(cut)))}, " +
            $"{DbParameters.Add(command, "@n", limit)})";
        var deleted = 0;
        var runEnds = new List<RetentionRunEnd>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            deleted = reader.GetInt32(0);
            runEnds.Add(new RetentionRunEnd(reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2)));
        }

        return new RetentionChunk(deleted, runEnds);
    }

    // SQLite has no roles: the server deletes and records the cut itself, in one transaction, as the function does.
    private async Task<RetentionChunk> DeleteAndRecordAsync(string tenantId, DateTimeOffset cut, int limit, CancellationToken cancellationToken)
    {
        var stored = connections.Dialect.TimeValue(AuditEventRow.ToStoredTime(cut));
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var gone = new List<RetentionRunEnd>();
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText =
                $"SELECT seq, hash FROM {AuditDbContext.EventsTable} WHERE tenant_id = {DbParameters.Add(select, "@t", tenantId)} " +
                $"AND timestamp < {DbParameters.Add(select, "@cut", stored)} ORDER BY seq LIMIT {DbParameters.Add(select, "@n", limit)}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                gone.Add(new RetentionRunEnd(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1)));
            }
        }

        if (gone.Count == 0)
        {
            return new RetentionChunk(0, []);
        }

        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText =
                $"DELETE FROM {AuditDbContext.EventsTable} WHERE tenant_id = {DbParameters.Add(delete, "@t", tenantId)} " +
                $"AND timestamp < {DbParameters.Add(delete, "@cut", stored)} AND seq <= {DbParameters.Add(delete, "@last", gone[^1].Seq)}";
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var record = connection.CreateCommand())
        {
            record.Transaction = transaction;
            record.CommandText =
                $"INSERT INTO {RetentionCutRowConfiguration.Table} (tenant_id, id, cut_at, cut_before, deleted_events, last_seq, last_hash, performed_by) VALUES (" +
                $"{DbParameters.Add(record, "@t", tenantId)}, (SELECT COALESCE(MAX(id), 0) + 1 FROM {RetentionCutRowConfiguration.Table} WHERE tenant_id = @t), {DbParameters.Add(record, "@at", connections.Dialect.TimeValue(AuditEventRow.ToStoredTime(timeProvider.GetUtcNow())))}, " +
                $"{DbParameters.Add(record, "@cut", stored)}, {DbParameters.Add(record, "@n", (long)gone.Count)}, {DbParameters.Add(record, "@seq", gone[^1].Seq)}, " +
                $"{DbParameters.Add(record, "@hash", gone[^1].Hash)}, {DbParameters.Add(record, "@by", SqliteActor)})";
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var runEnds = gone.Where((e, i) => i == gone.Count - 1 || gone[i + 1].Seq != e.Seq + 1).ToList();
        return new RetentionChunk(gone.Count, runEnds);
    }

    public async Task DeleteDerivedAsync(string tenantId, DateTimeOffset cut, CancellationToken cancellationToken)
    {
        // The hourly summary counts follow by themselves: triggers on audit_events subtract what a delete removes. The
        // rules' minutes before the cut held only deleted events; their days likewise, counting only whole days before it.
        var stored = connections.Dialect.TimeValue(AuditEventRow.ToStoredTime(cut));
        await ExecuteAsync(
            tenantId,
            (command, t) => $"DELETE FROM {DetectionModel.UserMinutesTable} WHERE tenant_id = {t} AND minute < {DbParameters.Add(command, "@m", DetectionTime.Minute(cut))}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            tenantId,
            (command, t) => $"DELETE FROM {DetectionModel.UserDaysTable} WHERE tenant_id = {t} AND day < {DbParameters.Add(command, "@d", DetectionTime.Day(cut))}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            tenantId,
            (command, t) =>
                $"DELETE FROM {DetectionModel.AlertsTable} WHERE tenant_id = {t} AND status = {DbParameters.Add(command, "@resolved", (short)AlertStatus.Resolved)} " +
                $"AND last_seen < {DbParameters.Add(command, "@cut", stored)}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            tenantId,
            (command, t) => $"DELETE FROM {DetectionModel.DeliveriesTable} WHERE tenant_id = {t} AND created_at < {DbParameters.Add(command, "@cut", stored)}",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one statement for <paramref name="tenantId"/> (bound as the returned text's tenant parameter) in its own transaction.</summary>
    private async Task<int> ExecuteAsync(string tenantId, Func<DbCommand, string, string> sql, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var t = DbParameters.Add(command, "@t", tenantId);
        command.CommandText = sql(command, t);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
