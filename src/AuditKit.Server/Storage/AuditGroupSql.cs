namespace AuditKit.Server.Storage;

/// <summary>
/// The statements of <see cref="IAuditEventStore.GroupAsync"/>: one page of groups with the number of groups as a
/// window count (one round trip), and a plain count of groups for a page past the last one.
/// </summary>
internal sealed record AuditGroupSql(AuditEventSql Filter, string PageSql, string CountSql)
{
    public static AuditGroupSql Build(AuditSqlDialect dialect, string tenantId, AuditEventQuery query, AuditGroupField field, AuditGroupOrder order)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query.Limit));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query.Offset));
        var column = field switch
        {
            AuditGroupField.IpAddress => "e.ip_address",
            AuditGroupField.UserId => "e.user_id",
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown group field."),
        };
        var orderBy = order == AuditGroupOrder.Count
            ? $"count(*) DESC, {column}"
            : $"max(e.timestamp) DESC, {column}";
        var filter = AuditEventSql.BuildFilter(dialect, tenantId, query);
        var from = $"FROM {AuditDbContext.EventsTable} e WHERE {filter.WhereSql} AND {column} IS NOT NULL";
        return new AuditGroupSql(
            filter,
            $"SELECT {column}, count(*), min(e.timestamp), max(e.timestamp), count(*) OVER () {from} " +
            $"GROUP BY {column} ORDER BY {orderBy} LIMIT {filter.Add(query.Limit)} OFFSET {filter.Add(query.Offset)}",
            $"SELECT count(DISTINCT {column}) {from}");
    }
}
