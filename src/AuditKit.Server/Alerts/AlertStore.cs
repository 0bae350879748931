using System.Data.Common;
using System.Globalization;
using AuditKit.Server.Detection;
using AuditKit.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.Server.Alerts;

/// <summary>
/// Reads and triages a tenant's alerts (EF Core, either provider). Every method takes the tenant: another tenant's
/// alert is never found.
/// </summary>
internal sealed class AlertStore(IDbContextFactory<AuditDbContext> contexts, DetectionDatabase database)
{
    public async Task<(IReadOnlyList<AlertRow> Items, long Total)> ListAsync(string tenantId, AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
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
        var items = await alerts
            .OrderByDescending(a => a.LastSeen).ThenByDescending(a => a.Id)
            .Skip(query.Offset).Take(query.Limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return (items, total);
    }

    public async Task<AlertRow?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Set<AlertRow>().AsNoTracking().FirstOrDefaultAsync(a => a.TenantId == tenantId && a.Id == id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether an alert in <paramref name="status"/> can move to <paramref name="target"/>: acknowledged from open, resolved from open or acknowledged.</summary>
    public static bool CanChange(AlertStatus status, AlertStatus target) => target switch
    {
        AlertStatus.Acknowledged => status == AlertStatus.Open,
        AlertStatus.Resolved => status != AlertStatus.Resolved,
        _ => false,
    };

    /// <summary>
    /// Moves an alert from <paramref name="current"/> to <paramref name="target"/>, recording who, when and the note, in
    /// <paramref name="transaction"/> (the one that stores the audit event recording the change). False, with nothing changed, when the alert is no longer in <paramref name="current"/>: of concurrent
    /// changes of one alert, exactly one wins.
    /// </summary>
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

    /// <summary>
    /// Keys whose failed logins, CRITICAL events, deletes or exports in [<paramref name="from"/>, <paramref name="to"/>)
    /// reach the tenant's thresholds of the matching rules, most events first.
    /// </summary>
    public async Task<IReadOnlyList<SuspiciousPattern>> PatternsAsync(
        string tenantId, DetectionRuleSettings rules, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var sql = database.Sql;
        (string Pattern, string KeyType, string KeyColumn, string DistinctColumn, string Predicate, int Threshold)[] patterns =
        [
            ("failed_logins_by_ip", AlertRules.IpKey, "ip_address", "user_id", DetectionPredicates.FailedLoginSql, rules.BruteForce.Threshold),
            ("failed_logins_by_user", AlertRules.UserKey, "user_id", "ip_address", DetectionPredicates.FailedLoginSql, rules.CompromiseSuspect.Threshold),
            ("critical_events_by_user", AlertRules.UserKey, "user_id", "ip_address", "e.severity = 3", rules.CriticalBurst.Threshold),
            ("deletes_by_user", AlertRules.UserKey, "user_id", "ip_address", "e.action = 'DELETE'", rules.MassDelete.Threshold),
            ("exports_by_user", AlertRules.UserKey, "user_id", "ip_address", "e.action = 'EXPORT'", rules.MassExport.Threshold),
        ];

        var found = new List<SuspiciousPattern>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var p in patterns)
        {
            await using var command = connection.CreateCommand();
            var tenant = DetectionPass.Add(command, "t", tenantId);
            var lo = DetectionPass.Add(command, "lo", sql.Values.TimeValue(AuditEventRow.ToStoredTime(from)));
            var hi = DetectionPass.Add(command, "hi", sql.Values.TimeValue(AuditEventRow.ToStoredTime(to)));
            var threshold = DetectionPass.Add(command, "n", p.Threshold);
            var take = DetectionPass.Add(command, "limit", limit);
            command.CommandText =
                $"SELECT e.{p.KeyColumn}, count(*), count(DISTINCT e.{p.DistinctColumn}), min(e.timestamp), max(e.timestamp) FROM audit_events e " +
                $"WHERE e.tenant_id = {tenant} AND e.timestamp >= {lo} AND e.timestamp < {hi} AND e.{p.KeyColumn} IS NOT NULL AND {p.Predicate} " +
                $"GROUP BY e.{p.KeyColumn} HAVING count(*) >= {threshold} ORDER BY count(*) DESC, e.{p.KeyColumn} LIMIT {take}";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(new SuspiciousPattern(
                    p.Pattern,
                    p.KeyType,
                    reader.GetString(0),
                    Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                    Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
                    sql.Values.ReadTime(reader, 3),
                    sql.Values.ReadTime(reader, 4)));
            }
        }

        return found;
    }
}
