namespace AuditKit.Server.Storage.Sqlite;

/// <summary>SQLite: ids as upper-case TEXT, times as INTEGER microseconds; search through the FTS5 table.</summary>
internal sealed class SqliteSqlDialect : AuditSqlDialect
{
    public static SqliteSqlDialect Instance { get; } = new();

    public override string SearchPredicate(string parameter) =>
        $"e.rowid IN (SELECT rowid FROM {SqliteAuditDbContext.SearchTable} WHERE {SqliteAuditDbContext.SearchTable} MATCH {parameter})";

    /// <summary>
    /// Every word becomes a quoted FTS5 string, so user input can never be read as FTS5 query syntax (which would
    /// fail on a stray quote or parenthesis); FTS5 ANDs them.
    /// </summary>
    public override string? SearchValue(string search) =>
        SearchWords.Split(search) is { Count: > 0 } words ? string.Join(' ', words.Select(w => "\"" + w + "\"")) : null;

    public override string TagsAnyOf(IReadOnlyList<string> parameters) =>
        $"EXISTS (SELECT 1 FROM json_each(e.tags) t WHERE t.value IN ({string.Join(", ", parameters)}))";

    // json_extract yields SQL text only for JSON strings; -> yields the JSON text of numbers and literals.
    public override string MetadataHolds(string key, string value, Func<object?, string> add)
    {
        var path = add($"$.\"{key}\"");
        var predicate = $"json_extract(e.metadata, {path}) = {add(value)}";
        return JsonScalar(value) is { } scalar ? $"({predicate} OR (e.metadata -> {path}) = {add(scalar)})" : predicate;
    }

    // Times are Unix microseconds, so whole UTC hours and days are plain integer multiples.
    public override string TimeBucket(AuditTimeBucket bucket, string column)
    {
        var width = (bucket == AuditTimeBucket.Day ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1)).Ticks / TimeSpan.TicksPerMicrosecond;
        return $"(({column} / {width.ToString(CultureInfo.InvariantCulture)}) * {width.ToString(CultureInfo.InvariantCulture)})";
    }

    public override bool SupportsGroupingSets => false;

    public override object IdValue(Guid id) => id.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant();

    public override object TimeValue(DateTimeOffset value) => UnixMicrosecondsConverter.ToMicroseconds(value);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        UnixMicrosecondsConverter.FromMicroseconds(reader.GetInt64(ordinal));

    public override string ClaimDue(string table, string due, string orderBy, string limit, string until, params string[] columns) =>
        $"UPDATE {table} SET claimed_until = {until} WHERE rowid IN (" +
        $"SELECT rowid FROM {table} WHERE {due} ORDER BY {orderBy} LIMIT {limit}) " +
        $"RETURNING {string.Join(", ", columns)}";

    public override string Least(string a, string b) => $"min({a}, {b})";

    public override string Greatest(string a, string b) => $"max({a}, {b})";

    public override string IdArray(string innerSelect) => $"(SELECT coalesce(json_group_array(lower(x.id)), '[]') FROM ({innerSelect}) x)";

    public override string MinuteOf(string time) => $"({time} / {MicrosecondsPerMinute})";

    public override string PlusOneMinute(string time) => $"({time} + {MicrosecondsPerMinute})";

    // Its write transaction (BEGIN IMMEDIATE) already admits one writer at a time.
    public override string? TenantLock(string parameter) => null;

    public override string CountUpTo(string fromWhere, string limit) => $"(SELECT count(*) {fromWhere})";

    private static string MicrosecondsPerMinute => (TimeSpan.TicksPerMinute / TimeSpan.TicksPerMicrosecond).ToString(CultureInfo.InvariantCulture);
}
