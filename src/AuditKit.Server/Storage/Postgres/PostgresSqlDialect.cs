namespace AuditKit.Server.Storage.Postgres;

/// <summary>PostgreSQL: native uuid and timestamptz; search through the generated tsvector.</summary>
internal sealed class PostgresSqlDialect : AuditSqlDialect
{
    public static PostgresSqlDialect Instance { get; } = new();

    // plainto_tsquery ANDs the words it is given and has no syntax of its own.
    public override string SearchPredicate(string parameter) =>
        $"e.{PostgresAuditDbContext.SearchVectorColumn} @@ plainto_tsquery('{PostgresAuditDbContext.SearchConfiguration}', {parameter})";

    public override string? SearchValue(string search) =>
        SearchWords.Split(search) is { Count: > 0 } words ? string.Join(' ', words) : null;

    public override string TagsAnyOf(IReadOnlyList<string> parameters) =>
        $"e.tags ?| ARRAY[{string.Join(", ", parameters)}]::text[]";

    // Containment (@>) is what the GIN index on metadata (jsonb_path_ops) answers.
    public override string MetadataHolds(string key, string value, Func<object?, string> add)
    {
        var asString = new JsonObject { [key] = value }.ToJsonString();
        var predicate = $"e.metadata @> CAST({add(asString)} AS jsonb)";
        return JsonScalar(value) is { } scalar
            ? $"({predicate} OR e.metadata @> CAST({add($"{{\"{key}\":{scalar}}}")} AS jsonb))"
            : predicate;
    }

    public override string TimeBucket(AuditTimeBucket bucket, string column) =>
        $"date_trunc('{(bucket == AuditTimeBucket.Day ? "day" : "hour")}', {column}, 'UTC')";

    public override bool SupportsGroupingSets => true;

    public override bool BoundsIdByTime => true;

    public override string IdBound(string op, Guid bound) =>
        EventIdRuleSql.Bound(op, string.Create(CultureInfo.InvariantCulture, $"'{bound:D}'::uuid"));

    public override object IdValue(Guid id) => id;

    public override object TimeValue(DateTimeOffset value) => value.ToUniversalTime();

    // Microseconds, PostgreSQL's precision (Npgsql drops the tick below it alike).
    protected override string TimeLiteral(DateTimeOffset value) =>
        string.Create(CultureInfo.InvariantCulture, $"'{value.UtcDateTime:yyyy'-'MM'-'dd HH':'mm':'ss'.'ffffff}+00'::timestamptz");

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override string ClaimDue(string table, string due, string orderBy, string limit, string until, params string[] columns) =>
        $"UPDATE {table} t SET claimed_until = {until} FROM (" +
        $"SELECT tenant_id, id FROM {table} WHERE {due} ORDER BY {orderBy} LIMIT {limit} FOR UPDATE SKIP LOCKED) c " +
        $"WHERE t.tenant_id = c.tenant_id AND t.id = c.id RETURNING {string.Join(", ", columns.Select(static c => "t." + c))}";

    public override string Least(string a, string b) => $"LEAST({a}, {b})";

    public override string Greatest(string a, string b) => $"GREATEST({a}, {b})";

    public override string IdArray(string innerSelect) =>
        $"(SELECT coalesce(json_agg(x.id ORDER BY x.ts DESC, x.id DESC)::text, '[]') FROM ({innerSelect}) x)";

    public override string MinuteOf(string time) => $"floor(extract(epoch from {time}) / 60)::bigint";

    public override string PlusOneMinute(string time) => $"({time} + interval '1 minute')";

    // A transaction-scoped advisory lock.
    public override string? TenantLock(string parameter) => $"SELECT pg_advisory_xact_lock({parameter})";

    // The scan of a busy key stops at the limit, so it costs the limit, not the key's whole range.
    public override string CountUpTo(string fromWhere, string limit) => $"(SELECT count(*) FROM (SELECT 1 {fromWhere} LIMIT {limit}) x)";
}
