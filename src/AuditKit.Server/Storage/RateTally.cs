namespace AuditKit.Server.Storage;

/// <summary>
/// The tally of the rate-anomaly rule, whose <c>first_seen</c> and <c>last_seen</c> are the starts of the first and
/// last anomalous minutes: the user's events in those minutes and every minute between (from the per-minute counts),
/// and the newest of them as evidence.
/// </summary>
internal sealed class RateTally : AlertTally
{
    public static RateTally Instance { get; } = new();

    public override string CountSql(AuditSqlDialect sql, string tenant, string key, string ids) =>
        $"(SELECT coalesce(sum(m.event_count), 0) FROM {DetectionModel.UserMinutesTable} m WHERE m.tenant_id = {tenant} AND m.user_id = {key} " +
        $"AND m.minute >= {sql.MinuteOf("alerts.first_seen")} AND m.minute <= {sql.MinuteOf("alerts.last_seen")})";

    public override string EvidenceSql(AuditSqlDialect sql, string tenant, string key, string limit, string ids) =>
        sql.IdArray(
            $"SELECT e.id AS id, e.timestamp AS ts FROM audit_events e WHERE e.tenant_id = {tenant} AND e.user_id = {key} " +
            $"AND e.timestamp >= alerts.first_seen AND e.timestamp < {sql.PlusOneMinute("alerts.last_seen")}{ids} ORDER BY e.timestamp DESC, e.id DESC LIMIT {limit}");
}
