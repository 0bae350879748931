namespace AuditKit.Server.Storage;

/// <summary>
/// How an alert's <c>event_count</c> and <c>evidence</c> are computed from the stored data: SQL scalar subqueries over
/// the alert's own <c>first_seen</c> and <c>last_seen</c> (table alias <c>alerts</c>), so the numbers are a function of
/// the stored events — the same whichever process or pass updates the alert, and however batches were grouped.
/// Every statement on <c>audit_events</c> also takes <c>ids</c>: <c> AND e.id &gt;= … AND e.id &lt; …</c>, the ids the
/// alert's span can hold under the id rule (<see cref="AuditSqlDialect.IdBounds"/>: literals, so PostgreSQL prunes its time partitions at planning), or
/// empty where the dialect does not bound ids.
/// </summary>
internal abstract class AlertTally
{
    /// <summary>A scalar subquery counting the alert's events; <paramref name="key"/> names the key parameter.</summary>
    public abstract string CountSql(AuditSqlDialect sql, string tenant, string key, string ids);

    /// <summary>
    /// Whether <see cref="DeltaCountSql"/> is supported: the count is a plain count of events by timestamp, so the
    /// events after a time can be counted on their own and added.
    /// </summary>
    public virtual bool SupportsDelta => false;

    /// <summary>A scalar subquery counting the alert's events after <paramref name="after"/> (exclusive) up to its last_seen.</summary>
    public virtual string DeltaCountSql(AuditSqlDialect sql, string tenant, string key, string after, string ids) => throw new NotSupportedException();

    /// <summary>A scalar subquery: JSON array of the newest evidence ids (at most <paramref name="limit"/>).</summary>
    public abstract string EvidenceSql(AuditSqlDialect sql, string tenant, string key, string limit, string ids);
}
