using System.Security.Cryptography;

namespace AuditKit.Server.Storage;

/// <summary>
/// <see cref="IDetectionStore"/> over the hand-written SQL of detection, in the dialect of
/// <see cref="StorageConnections"/>; each provider's subclass makes its own <see cref="DetectionSession"/>.
/// </summary>
internal abstract class RelationalDetectionStore(StorageConnections connections) : IDetectionStore
{
    public async Task<DetectionSession> BeginPassAsync(string tenantId, CancellationToken cancellationToken)
    {
        var sql = connections.Dialect;
        var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        DbTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (sql.TenantLock("@lock") is { } lockSql)
            {
                await using var take = connection.CreateCommand();
                take.Transaction = transaction;
                take.CommandText = lockSql;
                DbParameters.Add(take, "@lock", LockKey(tenantId));
                await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return CreateSession(connection, transaction, tenantId);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<IReadOnlyList<ClaimedBatch>> ClaimDueBatchesAsync(
        DateTimeOffset now, TimeSpan gracePeriod, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        var cutoff = connections.Dialect.TimeValue(AuditEventRow.ToStoredTime(now) - gracePeriod);
        var claimed = await LeaseClaim.ClaimDueAsync(
            connections,
            DetectionModel.OutboxTable,
            now,
            lease,
            limit,
            (command, at) => $"created_at <= {DbParameters.Add(command, "@cutoff", cutoff)} AND (claimed_until IS NULL OR claimed_until <= {at})",
            "created_at",
            ["tenant_id", "id", "event_count", "created_at", "attempts"],
            static (reader, sql) => new ClaimedBatch(reader.GetString(0), sql.ReadId(reader, 1), reader.GetInt32(2), sql.ReadTime(reader, 3), reader.GetInt32(4)),
            cancellationToken).ConfigureAwait(false);

        // Oldest first, so a tenant's passes follow the order its batches were stored in.
        claimed.Sort(static (a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return claimed;
    }

    public Task PostponeBatchAsync(ClaimedBatch batch, int attempts, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return LeaseClaim.UpdateClaimedAsync(
            connections,
            DetectionModel.OutboxTable,
            batch.TenantId,
            batch.Id,
            (command, sql) =>
                $"attempts = {DbParameters.Add(command, "@a", attempts)}, " +
                $"claimed_until = {DbParameters.Add(command, "@until", sql.TimeValue(AuditEventRow.ToStoredTime(until)))}",
            cancellationToken);
    }

    /// <summary>A stable 64-bit lock key for the tenant's detection.</summary>
    internal static long LockKey(string tenantId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("auditkit:detection:" + tenantId)), 0);

    /// <summary>The provider's pass over the open <paramref name="transaction"/>, which it then owns.</summary>
    protected abstract DetectionSession CreateSession(DbConnection connection, DbTransaction transaction, string tenantId);
}
