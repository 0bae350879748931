using System.Data.Common;
using System.Globalization;
using System.Text;
using AuditKit.Server.Storage;

namespace AuditKit.Server.Detection;

/// <summary>
/// One evaluation of a tenant's newly stored events: the open transaction (holding the tenant's detection lock),
/// the tenant's thresholds, the events, and the matches the rules report.
/// </summary>
internal sealed class DetectionPass(
    DbConnection connection,
    DbTransaction transaction,
    AuditSqlDialect sql,
    string tenantId,
    DetectionRuleSettings settings,
    IReadOnlyList<DetectionEvent> events,
    DateTimeOffset now)
{
    private readonly HashSet<Guid> _newIds = [.. events.Select(static e => e.Id)];
    private readonly List<AlertMatch> _matches = [];
    private List<Action>? _afterCommit;

    public AuditSqlDialect Sql { get; } = sql;
    public string TenantId { get; } = tenantId;
    public DetectionRuleSettings Settings { get; } = settings;
    public IReadOnlyList<DetectionEvent> Events { get; } = events;
    public DateTimeOffset Now { get; } = now;
    public IReadOnlyList<AlertMatch> Matches => _matches;
    public DbConnection Connection { get; } = connection;
    public DbTransaction Transaction { get; } = transaction;

    /// <summary>Whether the event with <paramref name="id"/> is one of this pass's newly stored events.</summary>
    public bool IsNew(Guid id) => _newIds.Contains(id);

    public void Report(AlertMatch match) => _matches.Add(match);

    /// <summary>
    /// Runs <paramref name="action"/> once the pass has committed, and never if it rolls back: what a rule remembers
    /// about the stored state must not get ahead of it (a failed pass is evaluated again).
    /// </summary>
    public void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    /// <summary>Called once the pass's transaction has committed.</summary>
    public void Committed()
    {
        foreach (var action in _afterCommit ?? [])
        {
            action();
        }
    }

    /// <summary>A command in the pass's transaction.</summary>
    public DbCommand CreateCommand(string text)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = text;
        return command;
    }

    /// <summary>Adds a parameter named <c>@{name}</c>; returns the name to put in SQL.</summary>
    public static string Add(DbCommand command, string name, object? value) => DbParameters.Add(command, "@" + name, value);

    /// <summary>Adds one parameter per value and returns <c>(@p0, @p1, …)</c> for an IN list.</summary>
    public static string AddList(DbCommand command, string prefix, IEnumerable<object> values)
    {
        var list = new StringBuilder("(");
        var i = 0;
        foreach (var value in values)
        {
            list.Append(i == 0 ? string.Empty : ", ").Append(Add(command, prefix + i.ToString(CultureInfo.InvariantCulture), value));
            i++;
        }

        return list.Append(')').ToString();
    }

    /// <summary>
    /// Reads the key's rows of <paramref name="predicate"/> (over alias <c>e</c>) for the keys in <paramref name="keys"/>
    /// (column <paramref name="keyColumn"/>), with timestamps between <paramref name="from"/> and <paramref name="to"/>,
    /// sorted by key, timestamp and id. Keys are read in chunks so the parameter count stays bounded.
    /// </summary>
    public async Task<Dictionary<string, List<StoredRow>>> ReadRowsAsync(
        string keyColumn,
        IReadOnlyCollection<string> keys,
        string predicate,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, List<StoredRow>>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(500))
        {
            await using var command = CreateCommand(string.Empty);
            var tenant = Add(command, "t", TenantId);
            var lo = Add(command, "lo", Sql.TimeValue(from));
            var hi = Add(command, "hi", Sql.TimeValue(to));
            var list = AddList(command, "k", chunk);
            command.CommandText =
                $"SELECT e.{keyColumn}, e.timestamp, e.id, e.action, e.status, e.severity, e.user_id, e.ip_address, e.resource_id " +
                $"FROM audit_events e WHERE e.tenant_id = {tenant} AND e.{keyColumn} IN {list} " +
                $"AND e.timestamp >= {lo} AND e.timestamp <= {hi} AND {predicate} " +
                $"ORDER BY e.{keyColumn}, e.timestamp, e.id";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = reader.GetString(0);
                if (!rows.TryGetValue(key, out var list2))
                {
                    rows[key] = list2 = [];
                }

                var id = Sql.ReadId(reader, 2);
                list2.Add(new StoredRow(
                    Sql.ReadTime(reader, 1),
                    id,
                    reader.GetString(3),
                    (AuditStatus)reader.GetInt16(4),
                    (AuditSeverity)reader.GetInt16(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    IsNew(id)));
            }
        }

        return rows;
    }

    /// <summary>The unresolved alerts of <paramref name="rule"/> for <paramref name="keys"/>: key → (first_seen, last_seen).</summary>
    public async Task<Dictionary<string, (DateTimeOffset FirstSeen, DateTimeOffset LastSeen)>> ReadUnresolvedAsync(
        string rule, string keyType, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, (DateTimeOffset, DateTimeOffset)>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(500))
        {
            await using var command = CreateCommand(string.Empty);
            command.CommandText =
                $"SELECT key_value, first_seen, last_seen FROM {DetectionModel.AlertsTable} WHERE tenant_id = {Add(command, "t", TenantId)} " +
                $"AND rule = {Add(command, "r", rule)} AND key_type = {Add(command, "kt", keyType)} AND {DetectionModel.UnresolvedPredicate} " +
                $"AND key_value IN {AddList(command, "k", chunk)}";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found[reader.GetString(0)] = (Sql.ReadTime(reader, 1), Sql.ReadTime(reader, 2));
            }
        }

        return found;
    }

    /// <summary>
    /// The keys whose range [lo, hi] holds at least <paramref name="threshold"/> stored events of
    /// <paramref name="predicate"/>. On PostgreSQL each key's scan stops at the threshold, so a busy key costs the
    /// threshold, not its whole range.
    /// </summary>
    public async Task<HashSet<string>> DenseAsync(
        string keyColumn, IReadOnlyDictionary<string, (DateTimeOffset Lo, DateTimeOffset Hi)> ranges, string predicate, int threshold, CancellationToken cancellationToken)
    {
        var dense = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in ranges.Chunk(300))
        {
            await using var command = CreateCommand(string.Empty);
            var tenant = Add(command, "t", TenantId);
            var n = Add(command, "n", threshold);
            var values = string.Join(", ", chunk.Select((k, i) =>
            {
                var index = i.ToString(CultureInfo.InvariantCulture);
                return $"({Add(command, "k" + index, k.Key)}, {Add(command, "lo" + index, Sql.TimeValue(k.Value.Lo))}, {Add(command, "hi" + index, Sql.TimeValue(k.Value.Hi))})";
            }));
            var rows = $"FROM audit_events e WHERE e.tenant_id = {tenant} AND e.{keyColumn} = w.key AND {predicate} AND e.timestamp >= w.lo AND e.timestamp <= w.hi";
            var count = Sql.CountUpTo(rows, n);
            command.CommandText = $"WITH w(key, lo, hi) AS (VALUES {values}) SELECT w.key FROM w WHERE {count} >= {n}";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                dense.Add(reader.GetString(0));
            }
        }

        return dense;
    }
}
