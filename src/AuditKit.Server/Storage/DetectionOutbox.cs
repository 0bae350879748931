namespace AuditKit.Server.Storage;

/// <summary>
/// The SQL of <c>detection_outbox</c> (its entity is detection's <c>DetectionOutboxRow</c>): the row ingest writes with a batch, and
/// the claim a pass makes on its batches.
/// </summary>
internal static class DetectionOutbox
{
    private const int IdBytes = 16;

    /// <summary>
    /// The insert hook that records the newly stored events of an ingest batch under <paramref name="batchId"/>, in the
    /// transaction that stores them: stored events are never left without their evaluation, whatever happens to this
    /// process after the commit.
    /// </summary>
    public static AuditInsertHooks Record(Guid batchId, DateTimeOffset receivedAt)
    {
        var createdAt = AuditEventRow.ToStoredTime(receivedAt);
        return new AuditInsertHooks(Written: (connection, transaction, dialect, tenantId, written, cancellationToken) =>
            RecordAsync(connection, transaction, dialect, tenantId, batchId, createdAt, written, cancellationToken));
    }

    /// <summary>
    /// Records, in the store's open <paramref name="transaction"/>, that the events <paramref name="eventIds"/> of
    /// <paramref name="tenantId"/> were stored by batch <paramref name="batchId"/> and wait for evaluation.
    /// </summary>
    public static async Task RecordAsync(
        DbConnection connection,
        DbTransaction transaction,
        AuditSqlDialect dialect,
        string tenantId,
        Guid batchId,
        DateTimeOffset createdAt,
        IReadOnlyCollection<Guid> eventIds,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"INSERT INTO {DetectionModel.OutboxTable} (tenant_id, id, created_at, event_count, event_ids, attempts) " +
            $"VALUES ({DetectionSession.Add(command, "t", tenantId)}, {DetectionSession.Add(command, "id", dialect.IdValue(batchId))}, " +
            $"{DetectionSession.Add(command, "c", dialect.TimeValue(createdAt))}, {DetectionSession.Add(command, "n", eventIds.Count)}, " +
            $"{DetectionSession.Add(command, "e", EncodeIds(eventIds))}, 0)";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the outbox rows of <paramref name="batchIds"/> in the transaction of <paramref name="session"/> (which holds
    /// the tenant's detection lock) and returns the ids of those that were still there, with their event ids when
    /// <paramref name="withEventIds"/>. A batch not returned was evaluated by an earlier pass, of this process or
    /// another: the deletion is the claim, and it commits, or rolls back, with the pass.
    /// </summary>
    public static async Task<Dictionary<Guid, Guid[]?>> ClaimAsync(
        DetectionSession session, IReadOnlyCollection<Guid> batchIds, bool withEventIds, CancellationToken cancellationToken)
    {
        var sql = session.Dialect;
        var claimed = new Dictionary<Guid, Guid[]?>(batchIds.Count);
        await session.EachChunkAsync(
            batchIds,
            500,
            (command, tenant, chunk) =>
                $"DELETE FROM {DetectionModel.OutboxTable} WHERE tenant_id = {tenant} " +
                $"AND id IN {DetectionSession.AddList(command, "b", chunk.Select(sql.IdValue))} " +
                $"RETURNING id{(withEventIds ? ", event_ids" : string.Empty)}",
            reader => claimed[sql.ReadId(reader, 0)] = withEventIds ? DecodeIds((byte[])reader.GetValue(1)) : null,
            cancellationToken).ConfigureAwait(false);
        return claimed;
    }

    /// <summary>
    /// The fields the detection rules look at of the stored events of <paramref name="session"/>'s tenant with <paramref name="eventIds"/>. Events
    /// no longer stored (removed since) are simply not found. Each event is made by <paramref name="create"/>.
    /// </summary>
    public static async Task<List<T>> ReadEventsAsync<T>(
        DetectionSession session, IEnumerable<Guid> eventIds, StoredEventFactory<T> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var sql = session.Dialect;
        var events = new List<T>();
        await session.EachChunkAsync(
            eventIds,
            500,
            (command, tenant, chunk) =>
                $"SELECT {EventColumns} FROM {AuditDbContext.EventsTable} e WHERE e.tenant_id = {tenant} " +
                $"AND e.id IN {DetectionSession.AddList(command, "e", chunk.Select(sql.IdValue))}",
            reader => events.Add(ReadEvent(reader, sql, 0, create)),
            cancellationToken).ConfigureAwait(false);
        return events;
    }

    /// <summary>
    /// The columns of a stored event detection looks at, over alias <c>e</c>, in the order of
    /// <see cref="StoredEventFactory{T}"/>'s parameters (the action is the canonical one); <see cref="ReadEvent"/> reads them.
    /// </summary>
    internal const string EventColumns =
        "e.id, e.timestamp, " + AuditEventColumns.CanonicalActionSql + ", e.status, e.severity, e.user_id, e.ip_address, e.resource_type, e.resource_id";

    /// <summary>The event whose <see cref="EventColumns"/> start at column <paramref name="first"/> of the current row, made by <paramref name="create"/>.</summary>
    internal static T ReadEvent<T>(DbDataReader reader, AuditSqlDialect sql, int first, StoredEventFactory<T> create) =>
        create(
            sql.ReadId(reader, first),
            sql.ReadTime(reader, first + 1),
            reader.GetString(first + 2),
            (AuditStatus)reader.GetInt16(first + 3),
            (AuditSeverity)reader.GetInt16(first + 4),
            TextOrNull(reader, first + 5),
            TextOrNull(reader, first + 6),
            TextOrNull(reader, first + 7),
            TextOrNull(reader, first + 8));

    private static string? TextOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>The ids, 16 bytes each in RFC 4122 (big-endian) order.</summary>
    public static byte[] EncodeIds(IReadOnlyCollection<Guid> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new byte[ids.Count * IdBytes];
        var offset = 0;
        foreach (var id in ids)
        {
            id.TryWriteBytes(bytes.AsSpan(offset, IdBytes), bigEndian: true, out _);
            offset += IdBytes;
        }

        return bytes;
    }

    /// <summary>The ids of <see cref="EncodeIds"/>.</summary>
    public static Guid[] DecodeIds(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var ids = new Guid[bytes.Length / IdBytes];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = new Guid(bytes.AsSpan(i * IdBytes, IdBytes), bigEndian: true);
        }

        return ids;
    }
}
