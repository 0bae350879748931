namespace AuditKit.Server.Storage;

/// <summary>
/// <see cref="IAlertStore"/> for both providers: EF Core, and for the suspicious patterns SQL in the dialect of
/// <see cref="StorageConnections"/>.
/// </summary>
internal sealed class RelationalAlertStore(IDbContextFactory<AuditDbContext> contexts, StorageConnections database) : IAlertStore
{
    public async Task<(IReadOnlyList<AlertRow> Items, long Total)> ListAsync(string tenantId, AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        var alerts = db.Set<AlertRow>().AsNoTracking().Where(a => a.TenantId == tenantId);
        if (query.Status is { } status)
        {
            alerts = alerts.Where(a => a.Status == status);
        }

        if (query.UnresolvedOnly)
        {
            alerts = alerts.Where(a => a.Status != AlertStatus.Resolved);
        }

        if (query.Rule is { } rule)
        {
            alerts = alerts.Where(a => a.Rule == rule);
        }

        if (query.Severity is { } severity)
        {
            alerts = alerts.Where(a => a.Severity == severity);
        }

        if (query.KeyType is { } keyType)
        {
            alerts = alerts.Where(a => a.KeyType == keyType);
        }

        if (query.Key is { } key)
        {
            alerts = alerts.Where(a => a.KeyValue == key);
        }

        if (query.From is { } from)
        {
            var stored = AuditEventRow.ToStoredTime(from);
            alerts = alerts.Where(a => a.LastSeen >= stored);
        }

        if (query.To is { } to)
        {
            var stored = AuditEventRow.ToStoredTime(to);
            alerts = alerts.Where(a => a.FirstSeen < stored);
        }

        var total = await alerts.LongCountAsync(cancellationToken).ConfigureAwait(false);
        var ordered = query.SeverityFirst
            ? alerts.OrderByDescending(a => a.Severity).ThenByDescending(a => a.LastSeen).ThenByDescending(a => a.Id)
            : alerts.OrderByDescending(a => a.LastSeen).ThenByDescending(a => a.Id);
        var items = await ordered
            .Skip(query.Offset).Take(query.Limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return (items, total);
    }

    public async Task<AlertRow?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        return await db.Set<AlertRow>().AsNoTracking().FirstOrDefaultAsync(a => a.TenantId == tenantId && a.Id == id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ChangeStatusAsync(
        DbTransaction transaction, string tenantId, Guid id, AlertStatus current, AlertStatus target, string by, string? note,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        at = AuditEventRow.ToStoredTime(at);
        await using var db = await contexts.CreateDbContextAsync(transaction, cancellationToken).ConfigureAwait(false);
        var rows = db.Set<AlertRow>().Where(a => a.TenantId == tenantId && a.Id == id && a.Status == current);
        var changed = target == AlertStatus.Acknowledged
            ? await rows.ExecuteUpdateAsync(
                s => s.SetProperty(a => a.Status, target).SetProperty(a => a.AcknowledgedAt, at).SetProperty(a => a.AcknowledgedBy, by).SetProperty(a => a.AcknowledgedNote, note),
                cancellationToken).ConfigureAwait(false)
            : await rows.ExecuteUpdateAsync(
                s => s.SetProperty(a => a.Status, target).SetProperty(a => a.ResolvedAt, at).SetProperty(a => a.ResolvedBy, by).SetProperty(a => a.ResolvedNote, note),
                cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }

    public async Task<IReadOnlyList<SuspiciousPattern>> PatternsAsync(
        string tenantId, IReadOnlyList<SuspiciousPatternQuery> patterns, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var sql = database.Dialect;
        var found = new List<SuspiciousPattern>();
        await using var connection = await database.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        foreach (var pattern in patterns)
        {
            var p = Sql(pattern.Kind);
            await using var command = connection.CreateCommand();
            var tenant = DbParameters.Add(command, "@t", tenantId);
            var lo = sql.RangeTime(AuditEventRow.ToStoredTime(from), v => DbParameters.Add(command, "@lo", v));
            var hi = sql.RangeTime(AuditEventRow.ToStoredTime(to), v => DbParameters.Add(command, "@hi", v));
            var threshold = DbParameters.Add(command, "@n", pattern.Threshold);
            var take = DbParameters.Add(command, "@limit", limit);
            command.CommandText =
                $"SELECT e.{p.KeyColumn}, count(*), count(DISTINCT e.{p.DistinctColumn}), min(e.timestamp), max(e.timestamp) FROM audit_events e " +
                $"WHERE e.tenant_id = {tenant} AND e.timestamp >= {lo} AND e.timestamp < {hi}{sql.IdBounds(from, to)} AND e.{p.KeyColumn} IS NOT NULL AND {p.Predicate} " +
                $"GROUP BY e.{p.KeyColumn} HAVING count(*) >= {threshold} ORDER BY count(*) DESC, e.{p.KeyColumn} LIMIT {take}";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(new SuspiciousPattern(
                    pattern.Pattern,
                    pattern.KeyType,
                    reader.GetString(0),
                    Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                    Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
                    sql.ReadTime(reader, 3),
                    sql.ReadTime(reader, 4)));
            }
        }

        return found;
    }

    /// <summary>The key column, the column whose distinct values are counted, and the predicate over alias <c>e</c> of a pattern.</summary>
    private static (string KeyColumn, string DistinctColumn, string Predicate) Sql(SuspiciousPatternKind kind) => kind switch
    {
        SuspiciousPatternKind.FailedLoginsByIp => ("ip_address", "user_id", StoredEventPredicates.FailedLoginSql),
        SuspiciousPatternKind.FailedLoginsByUser => ("user_id", "ip_address", StoredEventPredicates.FailedLoginSql),
        SuspiciousPatternKind.CriticalEventsByUser => ("user_id", "ip_address", "e.severity = 3"),
        SuspiciousPatternKind.DeletesByUser => ("user_id", "ip_address", "e.action_canonical = 'DELETE'"),
        SuspiciousPatternKind.ExportsByUser => ("user_id", "ip_address", "e.action_canonical = 'EXPORT'"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
