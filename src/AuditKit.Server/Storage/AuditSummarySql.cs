namespace AuditKit.Server.Storage;

/// <summary>
/// The statement of a summary: one row per (dimension, key) with its count. Two ways to the same answer:
/// <list type="bullet">
/// <item>From the hourly rollup (<see cref="AuditDbContext.HourlyTable"/>) when every filter is one it holds (action,
/// severity, status, service; not failed authentication, which is by canonical action) and the range covers at least one whole UTC hour: the whole
/// hours come from the rollup, the partial hours at either end from the events, and the two are added up per hour
/// before the counts by action, severity, status, service and bucket are taken. Users and IP addresses, which the
/// rollup does not hold, are counted from the events of the range (an index-only scan on PostgreSQL).</item>
/// <item>From the events alone otherwise: on PostgreSQL every dimension out of one scan (<c>GROUPING SETS</c>),
/// elsewhere one grouped SELECT per dimension, joined with UNION ALL.</item>
/// </list>
/// Lists cut in SQL (actions and services at <see cref="MaxKeysPerDimension"/>, users and IPs at the request's top)
/// are ordered by count, most first, then by key with no key first, which is the order the store returns them in,
/// so a cut keeps the same keys on both ways.
/// </summary>
internal static class AuditSummarySql
{
    /// <summary>The most keys returned for actions and services (users and IPs are cut at the request's top).</summary>
    public const int MaxKeysPerDimension = 100;

    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);

    /// <summary>
    /// The dimensions in GROUPING() argument order. A row's dimension code is the GROUPING() bit mask of the set
    /// that produced it: every bit set except the dimension's own (the first argument is the highest bit).
    /// </summary>
    public enum Dimension
    {
        Action = 127 - (1 << 6),
        Severity = 127 - (1 << 5),
        Status = 127 - (1 << 4),
        Service = 127 - (1 << 3),
        User = 127 - (1 << 2),
        IpAddress = 127 - (1 << 1),
        Bucket = 127 - (1 << 0),
        Total = 127,
    }

    private static readonly (Dimension Dimension, string Column)[] s_keyed =
    [
        (Dimension.Action, "e.action"),
        (Dimension.Severity, "e.severity"),
        (Dimension.Status, "e.status"),
        (Dimension.Service, "e.service_name"),
        (Dimension.User, "e.user_id"),
        (Dimension.IpAddress, "e.ip_address"),
    ];

    /// <summary>
    /// The statement summarizing <paramref name="query"/> (whose From and To must be set) for
    /// <paramref name="tenantId"/>: from the rollup when <paramref name="useRollup"/> and it can answer, else from the
    /// events alone.
    /// </summary>
    public static AuditSummaryStatement Build(
        AuditSqlDialect dialect, string tenantId, AuditEventQuery query, AuditTimeBucket bucket, int top, bool useRollup)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(query);
        if (query.From is not { } from || query.To is not { } to)
        {
            throw new ArgumentException("A summary needs a time range (From and To).", nameof(query));
        }

        if (useRollup && RollupHolds(query))
        {
            // Whole hours strictly inside the range; without one, the rollup has nothing to add.
            var start = AuditEventRow.ToStoredTime(from);
            var end = AuditEventRow.ToStoredTime(to);
            var firstHour = Floor(start) == start ? start : Floor(start) + s_hour;
            var endHour = Floor(end);
            if (firstHour < endHour)
            {
                return FromRollup(dialect, tenantId, query, bucket, top, start, end, firstHour, endHour);
            }
        }

        var filter = AuditEventSql.BuildFilter(dialect, tenantId, query);
        return new AuditSummaryStatement(FromEvents(dialect, filter, bucket, top), filter, FromRollup: false);
    }

    /// <summary>
    /// Whether every filter of <paramref name="query"/> is on a column the rollup holds. Written as "everything else
    /// is unset", so a filter added to <see cref="AuditEventQuery"/> later sends summaries to the events until it is
    /// taught here.
    /// </summary>
    public static bool RollupHolds(AuditEventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rest = query with
        {
            Action = default, Severity = default, Status = default, ServiceName = default, From = null, To = null,
        };
        var unfiltered = new AuditEventQuery();
        return rest with
        {
            Limit = unfiltered.Limit, Offset = unfiltered.Offset, SortBy = unfiltered.SortBy, Descending = unfiltered.Descending,
            Cursor = unfiltered.Cursor, IncludeTotal = unfiltered.IncludeTotal, TotalCap = unfiltered.TotalCap,
        } == unfiltered;
    }

    /// <summary>
    /// The keyed dimensions the rollup's statement counts: without the user and IP lists (the part it reads from the
    /// events) when <paramref name="top"/> is 0. From the events alone, a top of 0 cuts those lists to nothing instead.
    /// </summary>
    private static (Dimension Dimension, string Column)[] Keyed(int top) =>
        top > 0 ? s_keyed : [.. s_keyed.Where(static k => k.Dimension is not (Dimension.User or Dimension.IpAddress))];

    private static DateTimeOffset Floor(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % s_hour.Ticks), TimeSpan.Zero);

    private static AuditSummaryStatement FromRollup(
        AuditSqlDialect dialect, string tenantId, AuditEventQuery query, AuditTimeBucket bucket, int top,
        DateTimeOffset start, DateTimeOffset end, DateTimeOffset firstHour, DateTimeOffset endHour)
    {
        // The filter without its range: its columns have the same names in both tables (alias e in each).
        var sql = AuditEventSql.BuildFilter(dialect, tenantId, query with { From = null, To = null });
        var where = sql.WhereSql;
        var (startAt, firstHourAt, endHourAt, endAt) =
            (dialect.RangeTime(start, sql.Add), dialect.RangeTime(firstHour, sql.Add), dialect.RangeTime(endHour, sql.Add), dialect.RangeTime(end, sql.Add));
        var topParameter = top > 0 ? sql.Add(top) : null;
        var maxParameter = sql.Add(MaxKeysPerDimension);
        var hourOfEvent = dialect.TimeBucket(AuditTimeBucket.Hour, "e.timestamp");

        // Per hour and rollup key: the rollup's whole hours, plus the events of the partial hours at the ends.
        var hours = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"SELECT e.hour AS hour, e.action AS action, e.severity AS severity, e.status AS status, e.service_name AS service_name, e.event_count AS n ")
            .Append(CultureInfo.InvariantCulture, $"FROM {AuditDbContext.HourlyTable} e WHERE {where} AND e.hour >= {firstHourAt} AND e.hour < {endHourAt}");
        // Both edges lie within [start, end): one pair of id bounds over the whole range prunes them, and the range itself.
        var edgeBounds = dialect.IdBounds(start, end);
        void Edge(string from, string to) => hours
            .Append(CultureInfo.InvariantCulture, $" UNION ALL SELECT {hourOfEvent}, e.action, e.severity, e.status, e.service_name, count(*) ")
            .Append(CultureInfo.InvariantCulture, $"FROM {AuditDbContext.EventsTable} e WHERE {where} AND e.timestamp >= {from} AND e.timestamp < {to}{edgeBounds} ")
            .Append("GROUP BY 1, 2, 3, 4, 5");
        if (start < firstHour)
        {
            Edge(startAt, firstHourAt);
        }

        if (endHour < end)
        {
            Edge(endHourAt, endAt);
        }

        var inRange = $"FROM {AuditDbContext.EventsTable} e WHERE {where} AND e.timestamp >= {startAt} AND e.timestamp < {endAt}{edgeBounds}";
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"WITH h AS MATERIALIZED ({hours}) ")

            // The bucket branch comes first: its typed time column fixes the type of the UNION's NULL buckets.
            .Append(CultureInfo.InvariantCulture, $"SELECT {(int)Dimension.Bucket} AS dimension, NULL AS key, {dialect.TimeBucket(bucket, "h.hour")} AS bucket, CAST(sum(h.n) AS BIGINT) AS n FROM h GROUP BY 3")
            .Append(CultureInfo.InvariantCulture, $" UNION ALL SELECT {(int)Dimension.Total}, NULL, NULL, CAST(COALESCE(sum(h.n), 0) AS BIGINT) FROM h");
        foreach (var (dimension, column) in Keyed(top))
        {
            var key = column is "e.severity" or "e.status" ? $"CAST({column} AS TEXT)" : column;
            var (source, count, limit) = dimension switch
            {
                Dimension.User or Dimension.IpAddress => (inRange, "count(*)", topParameter),
                Dimension.Action or Dimension.Service => ("FROM h e", "sum(e.n)", maxParameter),
                _ => ("FROM h e", "sum(e.n)", null),
            };
            text.Append(CultureInfo.InvariantCulture, $" UNION ALL SELECT {(int)dimension}, d.key, NULL, d.n FROM (SELECT {key} AS key, CAST({count} AS BIGINT) AS n {source} GROUP BY {column}")
                .Append(limit is null ? string.Empty : $" ORDER BY n DESC, key NULLS FIRST LIMIT {limit}")
                .Append(") d");
        }

        return new AuditSummaryStatement(text.ToString(), sql, FromRollup: true);
    }

    /// <summary>The SQL over <paramref name="filter"/> (the events alone); adds the parameters it needs to it.</summary>
    private static string FromEvents(AuditSqlDialect dialect, AuditEventSql filter, AuditTimeBucket bucket, int top)
    {
        var bucketSql = dialect.TimeBucket(bucket, "e.timestamp");
        var topParameter = filter.Add(top);
        var maxParameter = filter.Add(MaxKeysPerDimension);
        return dialect.SupportsGroupingSets
            ? GroupingSets(filter, bucketSql, topParameter, maxParameter)
            : UnionOfGroups(filter, bucketSql, topParameter, maxParameter);
    }

    private static string GroupingSets(AuditEventSql filter, string bucketSql, string top, string max)
    {
        var grouping = $"GROUPING({string.Join(", ", s_keyed.Select(static k => k.Column))}, {bucketSql})";

        // Only one key column is grouped in each set; the others are NULL there, so COALESCE picks it.
        var key = $"COALESCE({string.Join(", ", s_keyed.Select(static k => k.Column is "e.severity" or "e.status" ? k.Column + "::text" : k.Column))})";
        var sets = string.Join(", ", s_keyed.Select(static k => $"({k.Column})")) + $", ({bucketSql}), ()";
        var topDimensions = $"{(int)Dimension.User}, {(int)Dimension.IpAddress}";
        var cutDimensions = $"{(int)Dimension.Action}, {(int)Dimension.Service}";
        return
            $"SELECT s.dimension, s.key, s.bucket, s.n FROM (" +
            $"SELECT {grouping} AS dimension, {key} AS key, {bucketSql} AS bucket, count(*) AS n, " +
            $"row_number() OVER (PARTITION BY {grouping} ORDER BY count(*) DESC, {key} NULLS FIRST) AS rank " +
            $"FROM {AuditDbContext.EventsTable} e WHERE {filter.WhereSql} GROUP BY GROUPING SETS ({sets})) s " +
            $"WHERE (s.dimension IN ({topDimensions}) AND s.rank <= {top}) " +
            $"OR (s.dimension IN ({cutDimensions}) AND s.rank <= {max}) " +
            $"OR s.dimension NOT IN ({topDimensions}, {cutDimensions})";
    }

    private static string UnionOfGroups(AuditEventSql filter, string bucketSql, string top, string max)
    {
        var from = $"FROM {AuditDbContext.EventsTable} e WHERE {filter.WhereSql}";
        var sql = new StringBuilder();
        foreach (var (dimension, column) in s_keyed)
        {
            var limit = dimension switch
            {
                Dimension.User or Dimension.IpAddress => top,
                Dimension.Action or Dimension.Service => max,
                _ => null,
            };
            var key = column is "e.severity" or "e.status" ? $"CAST({column} AS TEXT)" : column;
            sql.Append(CultureInfo.InvariantCulture, $"SELECT * FROM (SELECT {(int)dimension} AS dimension, {key} AS key, NULL AS bucket, count(*) AS n {from} GROUP BY {column}")
                .Append(limit is null ? string.Empty : $" ORDER BY n DESC, key NULLS FIRST LIMIT {limit}")
                .Append(") UNION ALL ");
        }

        sql.Append(CultureInfo.InvariantCulture, $"SELECT {(int)Dimension.Bucket}, NULL, {bucketSql}, count(*) {from} GROUP BY {bucketSql} UNION ALL ");
        sql.Append(CultureInfo.InvariantCulture, $"SELECT {(int)Dimension.Total}, NULL, NULL, count(*) {from}");
        return sql.ToString();
    }
}
