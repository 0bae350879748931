using System.Globalization;
using System.Text;

namespace AuditKit.Server.Storage;

/// <summary>
/// The statement of a summary: one row per (dimension, key) with its count. On PostgreSQL every dimension comes
/// out of one scan of the filtered rows (<c>GROUPING SETS</c>); elsewhere one grouped SELECT per dimension, joined
/// with UNION ALL. Rows are <c>(dimension, key, bucket, n)</c>; <see cref="Dimension"/> tells them apart.
/// </summary>
internal static class AuditSummarySql
{
    /// <summary>The most keys returned for actions and services (users and IPs are cut at the request's top).</summary>
    public const int MaxKeysPerDimension = 100;

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

    /// <summary>The SQL over <paramref name="filter"/>; adds the parameters it needs to it.</summary>
    public static string Build(AuditSqlDialect dialect, AuditEventSql filter, AuditTimeBucket bucket, int top)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(filter);
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
            $"row_number() OVER (PARTITION BY {grouping} ORDER BY count(*) DESC, {key}) AS rank " +
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
                .Append(limit is null ? string.Empty : $" ORDER BY n DESC, key LIMIT {limit}")
                .Append(") UNION ALL ");
        }

        sql.Append(CultureInfo.InvariantCulture, $"SELECT {(int)Dimension.Bucket}, NULL, {bucketSql}, count(*) {from} GROUP BY {bucketSql} UNION ALL ");
        sql.Append(CultureInfo.InvariantCulture, $"SELECT {(int)Dimension.Total}, NULL, NULL, count(*) {from}");
        return sql.ToString();
    }
}
