namespace AuditKit.Server.Storage;

/// <summary>
/// The stored state one detection pass of a tenant reads and writes, in one transaction that holds the tenant's
/// detection lock (see <see cref="IDetectionStore.BeginPassAsync"/>): its outbox batches, the stored events the rules
/// look back at, the rules' window state, and the alerts the matches become. Committed by <see cref="CommitAsync"/>;
/// disposed without it, everything rolls back.
/// </summary>
internal abstract class DetectionSession(DbConnection connection, DbTransaction transaction, AuditSqlDialect sql, string tenantId) : IAsyncDisposable
{
    protected const int Chunk = 300;

    public string TenantId { get; } = tenantId;

    /// <summary>The pass's transaction, for the work other slices do with newly raised alerts (webhooks queue their deliveries).</summary>
    public DbTransaction Transaction { get; } = transaction;

    /// <summary>How the pass's statements write and read values.</summary>
    internal AuditSqlDialect Dialect { get; } = sql;

    /// <summary>Claims the outbox batches <paramref name="batchIds"/> (see <see cref="DetectionOutbox.ClaimAsync"/>).</summary>
    public Task<Dictionary<Guid, Guid[]?>> ClaimBatchesAsync(IReadOnlyCollection<Guid> batchIds, bool withEventIds, CancellationToken cancellationToken) =>
        DetectionOutbox.ClaimAsync(this, batchIds, withEventIds, cancellationToken);

    /// <summary>The stored events with <paramref name="eventIds"/>, each made by <paramref name="create"/> (see <see cref="DetectionOutbox.ReadEventsAsync"/>).</summary>
    public Task<List<T>> ReadEventsAsync<T>(IEnumerable<Guid> eventIds, StoredEventFactory<T> create, CancellationToken cancellationToken) =>
        DetectionOutbox.ReadEventsAsync(this, eventIds, create, cancellationToken);

    /// <summary>
    /// Reads the stored events of <paramref name="filter"/> for the keys in <paramref name="keys"/>, with timestamps
    /// between <paramref name="from"/> and <paramref name="to"/>, sorted by key, timestamp and id; <paramref name="isNew"/>
    /// tells the pass's own events. Keys are read in chunks so the parameter count stays bounded.
    /// </summary>
    public async Task<Dictionary<string, List<StoredRow>>> ReadRowsAsync(
        StoredEventFilter filter,
        IReadOnlyCollection<string> keys,
        DateTimeOffset from,
        DateTimeOffset to,
        Func<Guid, bool> isNew,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(isNew);
        var keyColumn = filter.KeyColumn;
        var rows = new Dictionary<string, List<StoredRow>>(StringComparer.Ordinal);
        StoredEventFactory<StoredRow> row = (id, timestamp, action, status, severity, userId, ipAddress, _, resourceId) =>
            new StoredRow(timestamp, id, action, status, severity, userId, ipAddress, resourceId, isNew(id));
        await EachChunkAsync(
            keys,
            500,
            (command, tenant, chunk) =>
            {
                var lo = Dialect.RangeTime(from, v => Add(command, "lo", v));
                var hi = Dialect.RangeTime(to, v => Add(command, "hi", v));
                var list = AddList(command, "k", chunk);
                return $"SELECT e.{keyColumn}, {DetectionOutbox.EventColumns} " +
                    $"FROM audit_events e WHERE e.tenant_id = {tenant} AND e.{keyColumn} IN {list} " +
                    $"AND e.timestamp >= {lo} AND e.timestamp <= {hi}{Dialect.IdBounds(from, to)} AND {filter.Predicate} " +
                    $"ORDER BY e.{keyColumn}, e.timestamp, e.id";
            },
            reader =>
            {
                var key = reader.GetString(0);
                if (!rows.TryGetValue(key, out var list))
                {
                    rows[key] = list = [];
                }

                list.Add(DetectionOutbox.ReadEvent(reader, Dialect, 1, row));
            },
            cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>The unresolved alerts of <paramref name="rule"/> for <paramref name="keys"/>: key → (first_seen, last_seen).</summary>
    public async Task<Dictionary<string, (DateTimeOffset FirstSeen, DateTimeOffset LastSeen)>> ReadUnresolvedAsync(
        string rule, string keyType, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, (DateTimeOffset, DateTimeOffset)>(StringComparer.Ordinal);
        await EachChunkAsync(
            keys,
            500,
            (command, tenant, chunk) =>
                $"SELECT key_value, first_seen, last_seen FROM {DetectionModel.AlertsTable} WHERE tenant_id = {tenant} " +
                $"AND rule = {Add(command, "r", rule)} AND key_type = {Add(command, "kt", keyType)} AND {DetectionModel.UnresolvedPredicate} " +
                $"AND key_value IN {AddList(command, "k", chunk)}",
            reader => found[reader.GetString(0)] = (Dialect.ReadTime(reader, 1), Dialect.ReadTime(reader, 2)),
            cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>
    /// The keys whose range [lo, hi] holds at least <paramref name="threshold"/> stored events of
    /// <paramref name="filter"/>. Where the provider can, each key's scan stops at the threshold, so a busy key costs
    /// the threshold, not its whole range.
    /// </summary>
    public async Task<HashSet<string>> DenseAsync(
        StoredEventFilter filter, IReadOnlyDictionary<string, (DateTimeOffset Lo, DateTimeOffset Hi)> ranges, int threshold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var dense = new HashSet<string>(StringComparer.Ordinal);
        await EachChunkAsync(
            ranges,
            300,
            (command, tenant, chunk) =>
            {
                var n = Add(command, "n", threshold);
                var values = string.Join(", ", chunk.Select((k, i) =>
                {
                    var index = i.ToString(CultureInfo.InvariantCulture);
                    return $"({Add(command, "k" + index, k.Key)}, {Add(command, "lo" + index, Dialect.TimeValue(k.Value.Lo))}, {Add(command, "hi" + index, Dialect.TimeValue(k.Value.Hi))})";
                }));
                var rows = $"FROM audit_events e WHERE e.tenant_id = {tenant} AND e.{filter.KeyColumn} = w.key AND {filter.Predicate} AND e.timestamp >= w.lo AND e.timestamp <= w.hi";
                return $"WITH w(key, lo, hi) AS (VALUES {values}) SELECT w.key FROM w WHERE {Dialect.CountUpTo(rows, n)} >= {n}";
            },
            reader => dense.Add(reader.GetString(0)),
            cancellationToken).ConfigureAwait(false);
        return dense;
    }

    /// <summary>
    /// Adds <paramref name="buckets"/> (events per user and minute) to the users' per-minute counts and returns the
    /// minutes whose count reached <paramref name="minimum"/>, with that count.
    /// </summary>
    public abstract Task<List<(string User, long Minute, long Count)>> CountMinutesAsync(
        IReadOnlyList<(string User, long Minute, int Count)> buckets, int minimum, CancellationToken cancellationToken);

    /// <summary>
    /// For each of <paramref name="busy"/>, the user's events in the <paramref name="baselineMinutes"/> minutes before
    /// its minute (from the per-minute counts).
    /// </summary>
    public async Task<List<(string User, long Minute, long Count, long Before)>> ReadBaselinesAsync(
        IReadOnlyList<(string User, long Minute, long Count)> busy, long baselineMinutes, CancellationToken cancellationToken)
    {
        var found = new List<(string User, long Minute, long Count, long Before)>(busy.Count);
        await EachChunkAsync(
            busy,
            Chunk,
            (baseline, tenant, chunk) =>
            {
                var span = Add(baseline, "b", baselineMinutes);
                var values = string.Join(", ", chunk.Select((b, i) =>
                    $"({Add(baseline, "u" + i, b.User)}, {Add(baseline, "m" + i, b.Minute)}, {Add(baseline, "c" + i, b.Count)})"));
                return $"WITH busy(user_id, minute, event_count) AS (VALUES {values}) " +
                    "SELECT busy.user_id, busy.minute, busy.event_count, " +
                    $"(SELECT coalesce(sum(m.event_count), 0) FROM {DetectionModel.UserMinutesTable} m WHERE m.tenant_id = {tenant} AND m.user_id = busy.user_id " +
                    $"AND m.minute >= busy.minute - {span} AND m.minute < busy.minute) FROM busy";
            },
            reader => found.Add((
                reader.GetString(0),
                Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture))),
            cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>Records that each user was seen on each day of <paramref name="days"/> (UTC day numbers).</summary>
    public Task RecordDaysAsync(IReadOnlyList<(string User, int Day)> days, CancellationToken cancellationToken) =>
        EachChunkAsync(
            days,
            Chunk,
            (insert, tenant, chunk) =>
            {
                var values = string.Join(", ", chunk.Select((d, i) =>
                    $"({tenant}, {Add(insert, "u" + i, d.User)}, {Add(insert, "d" + i, d.Day)})"));
                return $"INSERT INTO {DetectionModel.UserDaysTable} (tenant_id, user_id, day) VALUES {values} ON CONFLICT (tenant_id, user_id, day) DO NOTHING";
            },
            row: null,
            cancellationToken);

    /// <summary>The first sighting of every IP known for <paramref name="users"/>: (user, IP) → first seen.</summary>
    public async Task<Dictionary<(string User, string Ip), DateTimeOffset>> ReadKnownIpsAsync(IReadOnlyCollection<string> users, CancellationToken cancellationToken)
    {
        var known = new Dictionary<(string, string), DateTimeOffset>();
        await EachChunkAsync(
            users,
            500,
            (select, tenant, chunk) =>
                $"SELECT user_id, ip_address, first_seen FROM {DetectionModel.UserIpsTable} " +
                $"WHERE tenant_id = {tenant} AND user_id IN {AddList(select, "u", chunk)}",
            reader => known[(reader.GetString(0), reader.GetString(1))] = Dialect.ReadTime(reader, 2),
            cancellationToken).ConfigureAwait(false);
        return known;
    }

    /// <summary>Moves the first sighting of known (user, IP) pairs back to earlier events.</summary>
    public async Task MoveFirstSightingsAsync(IReadOnlyList<IpSighting> earlier, CancellationToken cancellationToken)
    {
        if (earlier.Count == 0)
        {
            return;
        }

        await using var command = CreateCommand(string.Empty);
        var text = new StringBuilder();
        foreach (var sighting in earlier)
        {
            var i = command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
            text.Append(
                $"UPDATE {DetectionModel.UserIpsTable} SET first_seen = {Add(command, "f" + i, Dialect.TimeValue(sighting.Timestamp))}, " +
                $"first_event_id = {Add(command, "e" + i, Dialect.IdValue(sighting.EventId))} " +
                $"WHERE tenant_id = {Add(command, "t" + i, TenantId)} AND user_id = {Add(command, "u" + i, sighting.User)} " +
                $"AND ip_address = {Add(command, "i" + i, sighting.Ip)};");
        }

        command.CommandText = text.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the first sightings of (user, IP) pairs not known before (one already recorded is kept).</summary>
    public Task RecordFirstSightingsAsync(IReadOnlyList<IpSighting> fresh, CancellationToken cancellationToken) =>
        EachChunkAsync(
            fresh,
            Chunk,
            (insert, tenant, chunk) =>
            {
                var values = string.Join(", ", chunk.Select((e, i) =>
                    $"({tenant}, {Add(insert, "u" + i, e.User)}, {Add(insert, "i" + i, e.Ip)}, " +
                    $"{Add(insert, "f" + i, Dialect.TimeValue(e.Timestamp))}, {Add(insert, "e" + i, Dialect.IdValue(e.EventId))})"));
                return $"INSERT INTO {DetectionModel.UserIpsTable} (tenant_id, user_id, ip_address, first_seen, first_event_id) VALUES {values} " +
                    "ON CONFLICT (tenant_id, user_id, ip_address) DO NOTHING";
            },
            row: null,
            cancellationToken);

    /// <summary>
    /// For each (user, day) of <paramref name="sightings"/>, on how many earlier days the user was seen; calls
    /// <paramref name="counted"/> with its index in <paramref name="sightings"/> and that count, a chunk at a time.
    /// </summary>
    public async Task CountEarlierDaysAsync(
        IReadOnlyList<(string User, int Day)> sightings, Action<int, long> counted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counted);
        // Where the next chunk starts in sightings: each row carries its index there.
        var offset = 0;
        await EachChunkAsync(
            sightings,
            Chunk,
            (history, tenant, chunk) =>
            {
                var values = string.Join(", ", chunk.Select((e, i) =>
                    $"({Add(history, "n" + i, offset + i)}, {Add(history, "u" + i, e.User)}, {Add(history, "d" + i, e.Day)})"));
                offset += chunk.Length;
                return $"WITH f(n, user_id, day) AS (VALUES {values}) SELECT f.n, (SELECT count(*) FROM {DetectionModel.UserDaysTable} d " +
                    $"WHERE d.tenant_id = {tenant} AND d.user_id = f.user_id AND d.day < f.day) FROM f";
            },
            reader => counted(
                Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Turns <paramref name="matches"/> into alerts (see <see cref="AlertWriter"/>).</summary>
    public Task<IReadOnlyList<WrittenAlert>> WriteAlertsAsync(
        IReadOnlyList<AlertMatch> matches, DateTimeOffset now, int evidenceLimit, CancellationToken cancellationToken) =>
        AlertWriter.WriteAsync(this, matches, now, evidenceLimit, cancellationToken);

    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Runs one statement per chunk of at most <paramref name="size"/> of <paramref name="items"/>, so the parameter
    /// count stays bounded: a command in the pass's transaction with the tenant bound as <c>@t</c>, whose text
    /// <paramref name="text"/> writes given the command, the tenant's parameter and the chunk. <paramref name="row"/>
    /// takes each row the statement returns; without it the statement returns none.
    /// </summary>
    internal async Task EachChunkAsync<T>(
        IEnumerable<T> items, int size, Func<DbCommand, string, T[], string> text, Action<DbDataReader>? row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(text);
        foreach (var chunk in items.Chunk(size))
        {
            await using var command = CreateCommand(string.Empty);
            command.CommandText = text(command, Add(command, "t", TenantId), chunk);
            if (row is null)
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                row(reader);
            }
        }
    }

    /// <summary>A command in the pass's transaction.</summary>
    internal DbCommand CreateCommand(string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = text;
        return command;
    }

    /// <summary>Adds a parameter named <c>@{name}</c>; returns the name to put in SQL.</summary>
    internal static string Add(DbCommand command, string name, object? value) => DbParameters.Add(command, "@" + name, value);

    /// <summary>Adds one parameter per value and returns <c>(@p0, @p1, …)</c> for an IN list.</summary>
    internal static string AddList(DbCommand command, string prefix, IEnumerable<object> values)
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
}

/// <summary>The first event of a user from an IP.</summary>
internal readonly record struct IpSighting(string User, string Ip, DateTimeOffset Timestamp, Guid EventId);
