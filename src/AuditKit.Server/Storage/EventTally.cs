namespace AuditKit.Server.Storage;

/// <summary>
/// The tally of the event-window rules: the key's events that the rule considers (for instance the failed logins
/// from an IP) with a timestamp between the alert's <c>first_seen</c> and <c>last_seen</c>.
/// </summary>
/// <param name="predicate">A predicate over alias <c>e</c> in which <c>{key}</c> stands for the key parameter.</param>
internal sealed class EventTally(string predicate) : AlertTally
{
    public override string CountSql(AuditSqlDialect sql, string tenant, string key, string ids) =>
        $"(SELECT count(*) FROM audit_events e WHERE {Where(tenant, key)}{ids})";

    public override bool SupportsDelta => true;

    public override string DeltaCountSql(AuditSqlDialect sql, string tenant, string key, string after, string ids) =>
        $"(SELECT count(*) FROM audit_events e WHERE e.tenant_id = {tenant} AND e.timestamp > {after} AND e.timestamp <= alerts.last_seen{ids} " +
        $"AND ({Predicate(key)}))";

    public override string EvidenceSql(AuditSqlDialect sql, string tenant, string key, string limit, string ids) =>
        sql.IdArray($"SELECT e.id AS id, e.timestamp AS ts FROM audit_events e WHERE {Where(tenant, key)}{ids} ORDER BY e.timestamp DESC, e.id DESC LIMIT {limit}");

    private string Where(string tenant, string key) =>
        $"e.tenant_id = {tenant} AND e.timestamp >= alerts.first_seen AND e.timestamp <= alerts.last_seen AND ({Predicate(key)})";

    private string Predicate(string key) => predicate.Replace("{key}", key, StringComparison.Ordinal);

    /// <summary>
    /// The tally of rule 7: the user's HIGH or CRITICAL events and the grants to them (the user is the grantee) between
    /// the alert's first_seen and last_seen.
    /// </summary>
    public static EventTally PrivilegeEscalation { get; } =
        new($"(e.user_id = {{key}} AND {StoredEventPredicates.HighSeveritySql}) OR ({StoredEventPredicates.GrantSql} AND e.resource_id = {{key}})");
}
