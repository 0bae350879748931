namespace AuditKit.Server.Storage;

/// <summary>
/// The tally of the new-IP rule: the IPs first seen for the user between the alert's <c>first_seen</c> and
/// <c>last_seen</c> (all of them new: the user's history only grows), with the first event from each as evidence.
/// </summary>
internal sealed class NewIpTally : AlertTally
{
    public static NewIpTally Instance { get; } = new();

    public override string CountSql(AuditSqlDialect sql, string tenant, string key, string ids) =>
        $"(SELECT count(*) FROM {DetectionModel.UserIpsTable} u WHERE {Where(tenant, key)})";

    public override string EvidenceSql(AuditSqlDialect sql, string tenant, string key, string limit, string ids) =>
        sql.IdArray($"SELECT u.first_event_id AS id, u.first_seen AS ts FROM {DetectionModel.UserIpsTable} u WHERE {Where(tenant, key)} ORDER BY u.first_seen DESC, u.first_event_id DESC LIMIT {limit}");

    private static string Where(string tenant, string key) =>
        $"u.tenant_id = {tenant} AND u.user_id = {key} AND u.first_seen >= alerts.first_seen AND u.first_seen <= alerts.last_seen";
}
