namespace AuditKit.Server.Storage;

/// <summary>
/// The SELECT of a list query: fixed SQL fragments chosen by which filters are set, every filter value a parameter
/// (the page's limit and offset, and on PostgreSQL the time range and its id bounds, are written in as validated
/// literals: see <see cref="AuditSqlDialect.RangeTime"/>). Everything leads with <c>tenant_id = @tenant_id</c> and
/// orders by (sort column, id) in one direction, so the tenant-leading (…, timestamp, id) indexes serve a page as a
/// plain range scan, read forwards or backwards.
/// </summary>
internal sealed class AuditEventSql
{
    private readonly StringBuilder _where = new();
    private readonly List<KeyValuePair<string, object?>> _parameters = [];

    private AuditEventSql()
    {
    }

    /// <summary>The page query (one row more than the limit, to tell whether a next page exists).</summary>
    public string PageSql { get; private set; } = string.Empty;

    /// <summary>The count of all matches (no paging).</summary>
    public string CountSql { get; private set; } = string.Empty;

    /// <summary>
    /// The count of matches up to <see cref="AuditEventQuery.TotalCap"/> + 1 (empty without a cap): the scan stops
    /// there, so the cost is bounded whatever the filter.
    /// </summary>
    public string CappedCountSql { get; private set; } = string.Empty;

    /// <summary>The WHERE condition over alias <c>e</c> (tenant first), for statements built on the same filter.</summary>
    public string WhereSql => _where.ToString();

    /// <summary>The parameters both statements use.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Parameters => _parameters;

    public static AuditEventSql Build(AuditSqlDialect dialect, string tenantId, AuditEventQuery query)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query.Limit));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, AuditEventLimits.BatchEvents, nameof(query.Limit));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query.Offset));

        var sql = BuildFilter(dialect, tenantId, query);
        var countSql = $"SELECT count(*) FROM {AuditDbContext.EventsTable} e WHERE {sql._where}";
        var cappedCountSql = query.TotalCap is { } cap
            ? $"SELECT count(*) FROM (SELECT 1 FROM {AuditDbContext.EventsTable} e WHERE {sql._where} LIMIT {sql.Add(cap + 1)}) c"
            : string.Empty;

        // A cursor carries the order it was made in, so a client only has to hand it back.
        var sortBy = query.Cursor?.SortBy ?? query.SortBy;
        var descending = query.Cursor?.Descending ?? query.Descending;
        var sort = AuditSortColumn.For(sortBy);
        var column = "e." + sort.Column;
        if (query.Cursor is { } cursor)
        {
            sql.AppendKeyset(column, sort.Nullable, descending, AuditSortColumn.ParameterValue(sortBy, cursor.Value, dialect), dialect.IdValue(cursor.Id));
        }

        var direction = descending ? "DESC" : "ASC";

        // NULLs are placed as PostgreSQL does by default (last ascending, first descending) and spelled out so that
        // SQLite, whose default is the reverse, pages identically.
        var nulls = sort.Nullable ? (descending ? " NULLS FIRST" : " NULLS LAST") : string.Empty;
        // The page's size and offset are written into the statement (validated integers), not sent as parameters: a
        // prepared statement PostgreSQL plans in general then costs its plan for that limit, as it does for the values at
        // hand, and keeps the plan it made once (a query with no time range then no longer plans over every time
        // partition on each call; docs/bench-query.md, "Time partitions"). With a parameter it would cost a generic plan
        // for a tenth of the rows and plan again for every call.
        var limit = (query.Limit + 1).ToString(CultureInfo.InvariantCulture);
        var offset = (query.Cursor is null ? query.Offset : 0).ToString(CultureInfo.InvariantCulture);
        sql.CountSql = countSql;
        sql.CappedCountSql = cappedCountSql;
        sql.PageSql =
            $"SELECT {AuditEventColumns.SelectList} FROM {AuditDbContext.EventsTable} e WHERE {sql._where} " +
            $"ORDER BY {column} {direction}{nulls}, e.id {direction} LIMIT {limit} OFFSET {offset}";
        return sql;
    }

    /// <summary>
    /// Only the filter of <paramref name="query"/> (its <see cref="WhereSql"/> and parameters), for statements other
    /// than the list's: groups, summaries. Paging and order are not looked at.
    /// </summary>
    public static AuditEventSql BuildFilter(AuditSqlDialect dialect, string tenantId, AuditEventQuery query)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        var sql = new AuditEventSql();
        sql.Filter("e.tenant_id = {0}", tenantId);
        sql.FilterAnyOf("e.action", query.Action);
        sql.FilterAnyOf("e." + AuditEventColumns.ActionCanonicalColumn, query.ActionCanonical);
        sql.FilterAnyOf("e.category", query.Category);
        sql.FilterAnyOf("e.resource_type", query.ResourceType);
        sql.FilterAnyOf("e.resource_id", query.ResourceId);
        sql.FilterAnyOf("e.user_id", query.UserId);
        sql.FilterAnyOf("e.username", query.Username);
        sql.FilterAnyOf("e.ip_address", query.IpAddress);
        sql.FilterAnyOf("e.service_name", query.ServiceName);
        sql.FilterAnyOf("e.source", query.Source);
        sql.FilterAnyOf("e.trace_id", query.TraceId);
        sql.FilterAnyOf("e.request_id", query.RequestId);
        sql.FilterAnyOf("e.session_id", query.SessionId);
        sql.FilterAnyOf("e.data_classification", query.DataClassification);
        sql.FilterAnyOf("e.status", AnyOf<short>.Of(query.Status.Select(static s => (short)s)));
        sql.FilterAnyOf("e.severity", AnyOf<short>.Of(query.Severity.Select(static s => (short)s)));
        if (query.Tags.IsSet)
        {
            sql._where.Append(" AND ").Append(dialect.TagsAnyOf([.. query.Tags.Select(sql.Add)]));
        }

        foreach (var (key, value) in query.Metadata)
        {
            sql._where.Append(" AND ").Append(dialect.MetadataHolds(key, value, sql.Add));
        }

        if (query.From is { } from)
        {
            sql.Where("e.timestamp >= " + dialect.RangeTime(AuditEventRow.ToStoredTime(from), sql.Add));
        }

        if (query.To is { } to)
        {
            sql.Where("e.timestamp < " + dialect.RangeTime(AuditEventRow.ToStoredTime(to), sql.Add));
        }

        sql._where.Append(dialect.IdBounds(query.From, query.To));

        if (query.FailedAuthentication)
        {
            sql._where.Append(" AND (e.action_canonical = ").Append(sql.Add(AuditActions.LoginFailed))
                .Append(" OR (e.action_canonical = ").Append(sql.Add(AuditActions.Login))
                .Append(" AND e.status = ").Append(sql.Add((short)AuditStatus.Failure)).Append("))");
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            if (dialect.SearchValue(query.Search) is { } search)
            {
                sql._where.Append(" AND ").Append(dialect.SearchPredicate(sql.Add(search)));
            }
            else
            {
                sql._where.Append(" AND 1 = 0");
            }
        }

        return sql;
    }

    /// <summary>Adds the parameters of this query to <paramref name="command"/>.</summary>
    public void Bind(DbCommand command)
    {
        foreach (var (name, value) in _parameters)
        {
            DbParameters.Add(command, name, value);
        }
    }

    // The rows after (value, id) in the page order; see the NULL placement above.
    private void AppendKeyset(string column, bool nullable, bool descending, object? value, object id)
    {
        var op = descending ? "<" : ">";
        var idParameter = Add(id);
        if (!nullable)
        {
            _where.Append($" AND ({column}, e.id) {op} ({Add(value)}, {idParameter})");
        }
        else if (value is null)
        {
            _where.Append(descending
                ? $" AND (({column} IS NULL AND e.id < {idParameter}) OR {column} IS NOT NULL)"
                : $" AND ({column} IS NULL AND e.id > {idParameter})");
        }
        else
        {
            var valueParameter = Add(value);
            _where.Append(descending
                ? $" AND ({column} < {valueParameter} OR ({column} = {valueParameter} AND e.id < {idParameter}))"
                : $" AND ({column} > {valueParameter} OR ({column} = {valueParameter} AND e.id > {idParameter}) OR {column} IS NULL)");
        }
    }

    // One value is a plain equality (the column's index serves it as before); several an IN list, each a parameter.
    private void FilterAnyOf<T>(string column, AnyOf<T> values)
    {
        if (!values.IsSet)
        {
            return;
        }

        _where.Append(" AND ").Append(column);
        if (values.Count == 1)
        {
            _where.Append(" = ").Append(Add(values[0]));
            return;
        }

        _where.Append(" IN (").AppendJoin(", ", values.Select(v => Add(v))).Append(')');
    }

    private void Where(string predicate)
    {
        if (_where.Length > 0)
        {
            _where.Append(" AND ");
        }

        _where.Append(predicate);
    }

    private void Filter(string predicate, object value)
    {
        if (_where.Length > 0)
        {
            _where.Append(" AND ");
        }

        _where.Append(predicate.Replace("{0}", Add(value), StringComparison.Ordinal));
    }

    /// <summary>Adds a parameter for a statement built on <see cref="WhereSql"/>; returns its name.</summary>
    public string Add(object? value)
    {
        var name = "@p" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _parameters.Add(new(name, value));
        return name;
    }
}
