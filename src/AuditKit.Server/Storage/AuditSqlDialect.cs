namespace AuditKit.Server.Storage;

/// <summary>
/// What differs between the providers in the SQL the stores write: value encodings, full-text search, time buckets,
/// the functions detection's statements use, the tenant lock and the lease claim of due rows.
/// </summary>
internal abstract partial class AuditSqlDialect
{
    /// <summary>A WHERE predicate (over alias <c>e</c>) matching the full-text search in parameter <paramref name="parameter"/>.</summary>
    public abstract string SearchPredicate(string parameter);

    /// <summary>The search text in the provider's query syntax, or null when it holds no word (then nothing matches).</summary>
    public abstract string? SearchValue(string search);

    /// <summary>
    /// A WHERE predicate (over alias <c>e</c>) matching events whose <c>tags</c> hold any of the values in
    /// <paramref name="parameters"/>.
    /// </summary>
    public abstract string TagsAnyOf(IReadOnlyList<string> parameters);

    /// <summary>
    /// A WHERE predicate (over alias <c>e</c>) matching events whose <c>metadata</c> has the top-level
    /// <paramref name="key"/> (letters, digits, '_' and '-' only) with <paramref name="value"/>: a JSON string equal to
    /// it, or the JSON number, true, false or null it spells. Values go through <paramref name="add"/>, which adds a
    /// parameter and returns its name.
    /// </summary>
    public abstract string MetadataHolds(string key, string value, Func<object?, string> add);

    /// <summary>The value as a JSON literal when it spells a number, true, false or null; otherwise null.</summary>
    protected static string? JsonScalar(string value) =>
        value is "true" or "false" or "null" || JsonNumber().IsMatch(value) ? value : null;

    /// <summary>
    /// The start of the UTC hour or day holding <paramref name="column"/> (a stored time), as the provider stores
    /// times, so <see cref="ReadTime"/> reads it.
    /// </summary>
    public abstract string TimeBucket(AuditTimeBucket bucket, string column);

    /// <summary>
    /// Whether the provider computes several GROUP BYs in one scan (<c>GROUPING SETS</c>); otherwise a summary is
    /// one grouped SELECT per dimension.
    /// </summary>
    public abstract bool SupportsGroupingSets { get; }

    /// <summary>
    /// Whether a query over a range of <c>timestamp</c> also bounds <c>id</c> by that range widened by the id rule's
    /// tolerance (<see cref="Common.EventIdRule"/>): on PostgreSQL the bounds, parameters known at planning, prune the
    /// time partitions of <c>audit_events</c>; SQLite has no partitions and leaves them out.
    /// </summary>
    public virtual bool BoundsIdByTime => false;

    public abstract object IdValue(Guid id);

    /// <summary>
    /// <c> AND e.id &gt;= … AND e.id &lt; …</c>: the ids events stamped from <paramref name="from"/> to
    /// <paramref name="to"/> can have under the id rule (<see cref="Common.EventIdRule"/>), written into the statement
    /// (<see cref="IdBound"/>) for the planner to prune partitions by; a missing end adds no bound, and the result is
    /// empty where the dialect does not bound ids (<see cref="BoundsIdByTime"/>).
    /// </summary>
    public string IdBounds(DateTimeOffset? from, DateTimeOffset? to) =>
        !BoundsIdByTime
            ? string.Empty
            : (from is { } lower ? $" AND {IdBound(">=", Common.EventIdRule.LowerBound(lower))}" : string.Empty) +
              (to is { } upper ? $" AND {IdBound("<", Common.EventIdRule.UpperBound(upper))}" : string.Empty);

    /// <summary>
    /// The predicate <c>e.id {op} {bound}</c> of <see cref="IdBounds"/>, as the provider writes it. The bound is written
    /// into the statement, not sent as a parameter: the statement's text then differs with its range, so the shared
    /// pool never prepares it and PostgreSQL plans it for its range on every call (pruned at planning), where a
    /// prepared statement could settle on a plan made for any range.
    /// </summary>
    public virtual string IdBound(string op, Guid bound) => throw new NotSupportedException("This provider does not bound ids by time.");

    /// <summary>
    /// A bound of a query's time range in SQL: where the dialect bounds ids by time (PostgreSQL) a literal, as the id
    /// bounds are (<see cref="IdBound"/>), so that a prepared statement's plan is made for its range; elsewhere a
    /// parameter made by <paramref name="add"/>.
    /// </summary>
    public string RangeTime(DateTimeOffset value, Func<object, string> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        return BoundsIdByTime ? TimeLiteral(value) : add(TimeValue(value));
    }

    /// <summary>The literal of <paramref name="value"/> (<see cref="RangeTime"/>), where the dialect bounds ids by time.</summary>
    protected virtual string TimeLiteral(DateTimeOffset value) => throw new NotSupportedException("This provider writes times as parameters.");

    public abstract object TimeValue(DateTimeOffset value);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public virtual Guid ReadId(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    /// <summary>
    /// Claims due rows with a lease: sets <c>claimed_until</c> to <paramref name="until"/> on at most
    /// <paramref name="limit"/> rows of <paramref name="table"/> matching <paramref name="due"/>, first by
    /// <paramref name="orderBy"/>, and returns their <paramref name="columns"/>. On PostgreSQL rows another process is
    /// claiming are skipped, not waited for; SQLite has one writer at a time. The table's key is (tenant_id, id).
    /// </summary>
    public abstract string ClaimDue(string table, string due, string orderBy, string limit, string until, params string[] columns);

    /// <summary>The smaller of two values.</summary>
    public abstract string Least(string a, string b);

    /// <summary>The larger of two values.</summary>
    public abstract string Greatest(string a, string b);

    /// <summary>
    /// A scalar subquery: the JSON array (text) of the <c>id</c> column of <paramref name="innerSelect"/>, which
    /// selects <c>id</c> and <c>ts</c> newest first.
    /// </summary>
    public abstract string IdArray(string innerSelect);

    /// <summary>The UTC minute (minutes since 1970-01-01) of a time expression.</summary>
    public abstract string MinuteOf(string time);

    /// <summary>A time expression one minute later.</summary>
    public abstract string PlusOneMinute(string time);

    /// <summary>
    /// A statement that serializes work on one tenant across every server process until the transaction ends, or
    /// null when the provider's write transaction already admits one writer at a time.
    /// </summary>
    public abstract string? TenantLock(string parameter);

    /// <summary>
    /// A scalar subquery: the count of the rows of <paramref name="fromWhere"/> (a FROM … WHERE … clause), where the
    /// provider may stop counting at <paramref name="limit"/> (only whether the count reaches it is asked).
    /// </summary>
    public abstract string CountUpTo(string fromWhere, string limit);

    [System.Text.RegularExpressions.GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex JsonNumber();
}
