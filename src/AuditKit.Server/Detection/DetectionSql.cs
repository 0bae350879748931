using AuditKit.Server.Storage;
using AuditKit.Server.Storage.Postgres;
using AuditKit.Server.Storage.Sqlite;

namespace AuditKit.Server.Detection;

/// <summary>
/// What differs between the providers in the SQL of detection: value encodings (from the event store's
/// <see cref="AuditSqlDialect"/>), the tenant lock, two-argument min / max, and a JSON array of event ids.
/// </summary>
internal sealed class DetectionSql
{
    private DetectionSql(AuditSqlDialect values, bool postgres)
    {
        Values = values;
        IsPostgres = postgres;
    }

    public static DetectionSql Postgres { get; } = new(PostgresSqlDialect.Instance, postgres: true);

    public static DetectionSql Sqlite { get; } = new(SqliteSqlDialect.Instance, postgres: false);

    /// <summary>How ids and times are written and read.</summary>
    public AuditSqlDialect Values { get; }

    public bool IsPostgres { get; }

    /// <summary>The smaller of two values.</summary>
    /// <summary>
    /// Claims due rows with a lease: sets <c>claimed_until</c> to <paramref name="until"/> on at most
    /// <paramref name="limit"/> rows of <paramref name="table"/> matching <paramref name="due"/>, first by
    /// <paramref name="orderBy"/>, and returns their <paramref name="columns"/>. On PostgreSQL rows another process is
    /// claiming are skipped, not waited for; SQLite has one writer at a time. The table's key is (tenant_id, id).
    /// </summary>
    public string ClaimDue(string table, string due, string orderBy, string limit, string until, params string[] columns) => IsPostgres
        ? $"UPDATE {table} t SET claimed_until = {until} FROM (" +
          $"SELECT tenant_id, id FROM {table} WHERE {due} ORDER BY {orderBy} LIMIT {limit} FOR UPDATE SKIP LOCKED) c " +
          $"WHERE t.tenant_id = c.tenant_id AND t.id = c.id RETURNING {string.Join(", ", columns.Select(static c => "t." + c))}"
        : $"UPDATE {table} SET claimed_until = {until} WHERE rowid IN (" +
          $"SELECT rowid FROM {table} WHERE {due} ORDER BY {orderBy} LIMIT {limit}) " +
          $"RETURNING {string.Join(", ", columns)}";

    public string Least(string a, string b) => IsPostgres ? $"LEAST({a}, {b})" : $"min({a}, {b})";

    /// <summary>The larger of two values.</summary>
    public string Greatest(string a, string b) => IsPostgres ? $"GREATEST({a}, {b})" : $"max({a}, {b})";

    /// <summary>
    /// A scalar subquery: the JSON array (text) of the <c>id</c> column of <paramref name="innerSelect"/>, which
    /// selects <c>id</c> and <c>ts</c> newest first.
    /// </summary>
    public string IdArray(string innerSelect) => IsPostgres
        ? $"(SELECT coalesce(json_agg(x.id ORDER BY x.ts DESC, x.id DESC)::text, '[]') FROM ({innerSelect}) x)"
        : $"(SELECT coalesce(json_group_array(lower(x.id)), '[]') FROM ({innerSelect}) x)";

    /// <summary>The UTC minute (minutes since 1970-01-01) of a time expression.</summary>
    public string MinuteOf(string time) => IsPostgres
        ? $"floor(extract(epoch from {time}) / 60)::bigint"
        : $"({time} / {TimeSpan.TicksPerMinute / TimeSpan.TicksPerMicrosecond})";

    /// <summary>A time expression one minute later.</summary>
    public string PlusOneMinute(string time) => IsPostgres
        ? $"({time} + interval '1 minute')"
        : $"({time} + {TimeSpan.TicksPerMinute / TimeSpan.TicksPerMicrosecond})";

    /// <summary>
    /// Serializes evaluation passes of one tenant across every server process: a transaction-scoped advisory lock on
    /// PostgreSQL. SQLite needs none: its write transaction (BEGIN IMMEDIATE) already admits one writer at a time.
    /// </summary>
    public string? TenantLock(string parameter) => IsPostgres ? $"SELECT pg_advisory_xact_lock({parameter})" : null;
}
