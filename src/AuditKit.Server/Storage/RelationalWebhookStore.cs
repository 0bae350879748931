namespace AuditKit.Server.Storage;

/// <summary>
/// <see cref="IWebhookStore"/> for both providers: EF Core, and for the outbox SQL in the dialect of
/// <see cref="StorageConnections"/> (the dispatcher's claim through <see cref="LeaseClaim"/>).
/// </summary>
internal sealed class RelationalWebhookStore(IDbContextFactory<AuditDbContext> contexts, StorageConnections database) : IWebhookStore
{
    public async Task CreateAsync(WebhookRow webhook, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(transaction);
        await using var db = await contexts.CreateDbContextAsync(transaction, cancellationToken).ConfigureAwait(false);
        db.Add(webhook);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebhookRow>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        return await db.Set<WebhookRow>().AsNoTracking().Where(w => w.TenantId == tenantId)
            .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebhookRow?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        return await db.Set<WebhookRow>().AsNoTracking().FirstOrDefaultAsync(w => w.TenantId == tenantId && w.Id == id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string tenantId, Guid id, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var db = await contexts.CreateDbContextAsync(transaction, cancellationToken).ConfigureAwait(false);
        return await db.Set<WebhookRow>().Where(w => w.TenantId == tenantId && w.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<(IReadOnlyList<WebhookDeliveryRow> Items, long Total)> ListDeliveriesAsync(
        string tenantId, Guid? webhookId, WebhookDeliveryStatus? status, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        var deliveries = db.Set<WebhookDeliveryRow>().AsNoTracking().Where(d => d.TenantId == tenantId);
        if (webhookId is { } hook)
        {
            deliveries = deliveries.Where(d => d.WebhookId == hook);
        }

        if (status is { } s)
        {
            deliveries = deliveries.Where(d => d.Status == s);
        }

        var total = await deliveries.LongCountAsync(cancellationToken).ConfigureAwait(false);
        var items = await deliveries.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip(offset).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        return (items, total);
    }

    public async Task<int> EnqueueDeliveriesAsync(
        DbTransaction transaction, string tenantId, IReadOnlyList<RaisedAlert> raised, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(raised);
        if (raised.Count == 0)
        {
            return 0;
        }

        var sql = database.Dialect;
        var connection = transaction.Connection!;
        var hooks = new List<(Guid Id, string Url, AuditSeverity Minimum)>();
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText =
                $"SELECT id, url, minimum_severity FROM {DetectionModel.WebhooksTable} WHERE tenant_id = {DbParameters.Add(select, "@t", tenantId)}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                hooks.Add((sql.ReadId(reader, 0), reader.GetString(1), (AuditSeverity)reader.GetInt16(2)));
            }
        }

        var deliveries = raised.SelectMany(a => hooks.Where(h => a.Severity >= h.Minimum).Select(h => (Alert: a.Id, Hook: h))).ToList();
        foreach (var chunk in deliveries.Chunk(200))
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            var tenant = DbParameters.Add(insert, "@t", tenantId);
            var at = DbParameters.Add(insert, "@now", sql.TimeValue(now));
            var values = new StringBuilder();
            for (var i = 0; i < chunk.Length; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                values.Append(i == 0 ? string.Empty : ", ").Append(
                    $"({tenant}, {DbParameters.Add(insert, "@id" + n, sql.IdValue(Guid.CreateVersion7(now)))}, " +
                    $"{DbParameters.Add(insert, "@w" + n, sql.IdValue(chunk[i].Hook.Id))}, {DbParameters.Add(insert, "@a" + n, sql.IdValue(chunk[i].Alert))}, " +
                    $"{DbParameters.Add(insert, "@u" + n, chunk[i].Hook.Url)}, 0, 0, {at}, {at})");
            }

            insert.CommandText =
                $"INSERT INTO {DetectionModel.DeliveriesTable} (tenant_id, id, webhook_id, alert_id, url, status, attempts, created_at, next_attempt_at) VALUES {values}";
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return deliveries.Count;
    }

    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueDeliveriesAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken) =>
        await LeaseClaim.ClaimDueAsync(
            database,
            DetectionModel.DeliveriesTable,
            now,
            lease,
            limit,
            static (_, at) => $"status = 0 AND next_attempt_at <= {at} AND (claimed_until IS NULL OR claimed_until < {at})",
            "next_attempt_at",
            ["tenant_id", "id", "webhook_id", "alert_id", "url", "attempts"],
            static (reader, sql) => new ClaimedDelivery(
                reader.GetString(0), sql.ReadId(reader, 1), sql.ReadId(reader, 2), sql.ReadId(reader, 3), reader.GetString(4), reader.GetInt32(5)),
            cancellationToken).ConfigureAwait(false);

    public Task CompleteDeliveryAsync(
        ClaimedDelivery delivery, bool delivered, int attempts, int? responseStatus, string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return LeaseClaim.UpdateClaimedAsync(
            database,
            DetectionModel.DeliveriesTable,
            delivery.TenantId,
            delivery.Id,
            (command, sql) =>
                $"status = {DbParameters.Add(command, "@s", (short)(delivered ? WebhookDeliveryStatus.Delivered : WebhookDeliveryStatus.Failed))}, " +
                $"attempts = attempts + {DbParameters.Add(command, "@a", attempts)}, " +
                $"completed_at = {DbParameters.Add(command, "@at", sql.TimeValue(AuditEventRow.ToStoredTime(at)))}, " +
                $"response_status = {DbParameters.Add(command, "@rs", responseStatus)}, error = {DbParameters.Add(command, "@e", error)}, claimed_until = NULL",
            cancellationToken);
    }
}
