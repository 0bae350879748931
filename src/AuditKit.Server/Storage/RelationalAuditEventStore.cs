using System.Diagnostics;
using System.Runtime.CompilerServices;
using AuditKit.Server.Actions;

namespace AuditKit.Server.Storage;

/// <summary>
/// What both providers do the same way: reads by id, list queries with filters, sorting, offset and keyset paging,
/// and the dedup bookkeeping of an insert. Providers add how a connection is opened and how a batch is written.
/// </summary>
internal abstract class RelationalAuditEventStore(
    AuditSqlDialect dialect, AuditStorageProvider provider, AuditStorageMetrics? metrics, bool summaryRollup = true, ActionVocabulary? actions = null,
    int writesInFlight = 1)
    : IAuditEventStore
{
    private readonly ActionVocabulary _actions = actions ?? ActionVocabulary.Builtin;
    private AuditGroupCommit? _groupCommit;

    /// <summary>
    /// Whether concurrent inserts of one tenant in this process are written together (see <see cref="AuditGroupCommit"/>);
    /// on by default. Off, each insert is its own transaction (benchmarks compare the two).
    /// </summary>
    internal bool GroupCommit { get; init; } = true;

    /// <summary>
    /// Writes of one tenant this process keeps in flight at once (see <see cref="AuditGroupCommit"/>): the provider's
    /// choice, which benchmarks and tests may override. PostgreSQL keeps 2 (the second write moves its rows into the
    /// table while the first holds the tenant's head, see <see cref="Postgres.PostgresAuditEventStore"/>); SQLite 1, as
    /// its single writer would make the second one only wait.
    /// </summary>
    internal int WritesInFlight { get; init; } = writesInFlight;

    protected AuditSqlDialect Dialect { get; } = dialect;

    public async Task<IReadOnlyList<AuditInsertOutcome>> InsertAsync(
        string tenantId, IReadOnlyList<AuditEvent> events, DateTimeOffset receivedAt, AuditInsertHooks hooks, CancellationToken cancellationToken) =>
        [.. (await InsertLinkedAsync(tenantId, events, receivedAt, hooks, cancellationToken).ConfigureAwait(false)).Select(static r => r.Outcome)];

    public async Task<IReadOnlyList<AuditInsertResult>> InsertLinkedAsync(
        string tenantId, IReadOnlyList<AuditEvent> events, DateTimeOffset receivedAt, AuditInsertHooks hooks, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(events);
        if (hooks.Before is not null && events.Count == 0)
        {
            throw new ArgumentException("At least one event must record the work done alongside.", nameof(events));
        }

        // Ids repeated within the batch are duplicates before the database is asked (the first occurrence wins).
        var results = new AuditInsertResult[events.Count];
        var toWrite = new List<int>(events.Count);
        var firstIndex = new Dictionary<Guid, int>(events.Count);
        var repeats = new List<int>();
        for (var i = 0; i < events.Count; i++)
        {
            if (firstIndex.TryAdd(events[i].Id, i))
            {
                toWrite.Add(i);
            }
            else
            {
                repeats.Add(i);
            }
        }

        if (toWrite.Count > 0)
        {
            var started = Stopwatch.GetTimestamp();
            var rows = toWrite.Select(index => AuditEventRow.From(tenantId, events[index], receivedAt, _actions)).ToList();

            // Like the tenant and receipt time the ingestor sets, the events handed in get their canonical action, so
            // what is done with them after the commit (detection) reads it as stored.
            for (var i = 0; i < toWrite.Count; i++)
            {
                events[toWrite[i]].ActionCanonical = rows[i].ActionCanonical;
            }
            var inserted = GroupCommit
                ? await LazyInitializer.EnsureInitialized(ref _groupCommit, () => new AuditGroupCommit(WriteAsync, WritesInFlight)).WriteAsync(tenantId, rows, hooks, cancellationToken).ConfigureAwait(false)
                : await WriteAsync(rows, hooks, cancellationToken).ConfigureAwait(false);
            var duplicates = new List<Guid>();
            for (var i = 0; i < toWrite.Count; i++)
            {
                if (inserted[i])
                {
                    results[toWrite[i]] = new AuditInsertResult(AuditInsertOutcome.Inserted, rows[i].Seq, rows[i].Hash);
                }
                else
                {
                    duplicates.Add(rows[i].Id);
                }
            }

            if (duplicates.Count > 0)
            {
                await using var connection = await OpenConnectionAsync(StorageScope.Tenant(tenantId), ConnectionIntent.Primary, cancellationToken).ConfigureAwait(false);
                var links = await AuditChain.ReadLinksAsync(connection, null, Dialect, tenantId, duplicates, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < toWrite.Count; i++)
                {
                    if (!inserted[i])
                    {
                        results[toWrite[i]] = links.TryGetValue(rows[i].Id, out var link)
                            ? new AuditInsertResult(AuditInsertOutcome.Duplicate, link.Seq, link.Hash)
                            : new AuditInsertResult(AuditInsertOutcome.Duplicate, null, null);
                    }
                }
            }

            var stored = inserted.Count(x => x);
            metrics?.BatchWritten(provider, stored, events.Count - stored, Stopwatch.GetElapsedTime(started));
        }

        foreach (var i in repeats)
        {
            var first = results[firstIndex[events[i].Id]];
            results[i] = first with { Outcome = AuditInsertOutcome.Duplicate };
        }

        return results;
    }

    public async Task<AuditEvent?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);

        // By id from the primary: a client reading back the event it was just answered for must find it.
        await using var connection = await OpenConnectionAsync(StorageScope.Tenant(tenantId), ConnectionIntent.Primary, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {AuditEventColumns.SelectList} FROM {AuditDbContext.EventsTable} e WHERE e.tenant_id = @tenant_id AND e.id = @id";
        DbParameters.Add(command, "@tenant_id", tenantId);
        DbParameters.Add(command, "@id", Dialect.IdValue(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? AuditEventColumns.Read(reader, Dialect) : null;
    }

    public async Task<AuditEventPage> QueryAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        var sql = AuditEventSql.Build(Dialect, tenantId, query);

        await using var connection = await OpenConnectionAsync(StorageScope.Tenant(tenantId), ConnectionIntent.Read, cancellationToken).ConfigureAwait(false);
        long? total = null;
        var totalIsExact = true;
        if (query.IncludeTotal)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = query.TotalCap is null ? sql.CountSql : sql.CappedCountSql;
            sql.Bind(count);
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (query.TotalCap is { } cap && total > cap)
            {
                total = cap;
                totalIsExact = false;
            }
        }

        var items = new List<AuditEvent>(Math.Min(query.Limit + 1, 256));
        await using (var page = connection.CreateCommand())
        {
            page.CommandText = sql.PageSql;
            sql.Bind(page);
            await using var reader = await page.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(AuditEventColumns.Read(reader, Dialect));
            }
        }

        AuditCursor? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveAt(items.Count - 1);
            var sortBy = query.Cursor?.SortBy ?? query.SortBy;
            var descending = query.Cursor?.Descending ?? query.Descending;
            var last = items[^1];
            next = new AuditCursor(sortBy, descending, AuditSortColumn.CursorValue(sortBy, last), last.Id);
        }

        return new AuditEventPage(items, total, next) { TotalIsExact = totalIsExact };
    }

    /// <summary>
    /// Rows per page of a stream. A stream reads a page, returns the connection to the pool, hands the rows out, and
    /// only then reads the next page after the last row handed out (keyset): a client that reads an export slowly
    /// holds memory for one page, never a pooled connection.
    /// </summary>
    internal const int StreamPageSize = 500;

    public IAsyncEnumerable<AuditEvent> StreamAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken) =>
        StreamPagesAsync(tenantId, query, AuditEventColumns.Read, static (sortBy, e) => (AuditSortColumn.CursorValue(sortBy, e), e.Id), cancellationToken);

    public IAsyncEnumerable<AuditEventRow> StreamRowsAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken) =>
        StreamPagesAsync(tenantId, query, AuditEventColumns.ReadRow, static (sortBy, row) => (AuditSortColumn.CursorValue(sortBy, row), row.Id), cancellationToken);

    private async IAsyncEnumerable<T> StreamPagesAsync<T>(
        string tenantId,
        AuditEventQuery query,
        Func<DbDataReader, AuditSqlDialect, T> read,
        Func<AuditSortField, T, (string? Value, Guid Id)> position,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        var page = query with { Limit = StreamPageSize, Offset = 0, Cursor = null, IncludeTotal = false };
        var rows = new List<T>(StreamPageSize + 1);
        while (true)
        {
            rows.Clear();
            var sql = AuditEventSql.Build(Dialect, tenantId, page);
            await using (var connection = await OpenConnectionAsync(StorageScope.Tenant(tenantId), ConnectionIntent.Read, cancellationToken).ConfigureAwait(false))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = sql.PageSql;
                sql.Bind(command);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(read(reader, Dialect));
                }
            }

            var more = rows.Count > StreamPageSize;
            for (var i = 0; i < Math.Min(rows.Count, StreamPageSize); i++)
            {
                yield return rows[i];
            }

            if (!more)
            {
                yield break;
            }

            var (value, id) = position(query.SortBy, rows[StreamPageSize - 1]);
            page = page with { Cursor = new AuditCursor(query.SortBy, query.Descending, value, id) };
        }
    }

    public async Task<AuditEventGroupPage> GroupAsync(
        string tenantId, AuditEventQuery query, AuditGroupField field, AuditGroupOrder order, CancellationToken cancellationToken)
    {
        var sql = AuditGroupSql.Build(Dialect, tenantId, query, field, order);
        await using var connection = await OpenConnectionAsync(StorageScope.Tenant(tenantId), ConnectionIntent.Read, cancellationToken).ConfigureAwait(false);
        var items = new List<AuditEventGroup>(Math.Min(query.Limit, 256));
        long? total = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = sql.PageSql;
            sql.Filter.Bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new AuditEventGroup(reader.GetString(0), reader.GetInt64(1), Dialect.ReadTime(reader, 2), Dialect.ReadTime(reader, 3)));
                total = reader.GetInt64(4);
            }
        }

        if (total is null && query.Offset > 0)
        {
            // Past the last group the window count has no row to ride on.
            await using var count = connection.CreateCommand();
            count.CommandText = sql.CountSql;
            sql.Filter.Bind(count);
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        return new AuditEventGroupPage(items, total ?? 0);
    }

    public async Task<AuditSummary> SummarizeAsync(
        string tenantId, AuditEventQuery query, AuditTimeBucket bucket, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        if (query.From is not { } from || query.To is not { } to)
        {
            throw new ArgumentException("A summary needs a time range (From and To).", nameof(query));
        }

        var statement = AuditSummarySql.Build(Dialect, tenantId, query, bucket, top, summaryRollup);
        var lists = new Dictionary<AuditSummarySql.Dimension, List<AuditCount>>();
        var buckets = new Dictionary<DateTimeOffset, long>();
        long total = 0;

        await using (var connection = await OpenConnectionAsync(StorageScope.Tenant(tenantId), ConnectionIntent.Read, cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = statement.Sql;
            statement.Parameters.Bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var dimension = (AuditSummarySql.Dimension)Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture);
                var count = Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture);
                switch (dimension)
                {
                    case AuditSummarySql.Dimension.Total:
                        total = count;
                        break;
                    case AuditSummarySql.Dimension.Bucket:
                        buckets[Dialect.ReadTime(reader, 2)] = count;
                        break;
                    default:
                        var key = reader.IsDBNull(1) ? null : Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture);
                        if (!lists.TryGetValue(dimension, out var list))
                        {
                            lists[dimension] = list = [];
                        }

                        list.Add(new AuditCount(KeyName(dimension, key), count));
                        break;
                }
            }
        }

        IReadOnlyList<AuditCount> Sorted(AuditSummarySql.Dimension dimension) =>
            lists.TryGetValue(dimension, out var list)
                ? [.. list.OrderByDescending(static c => c.Count).ThenBy(static c => c.Key, StringComparer.Ordinal)]
                : [];

        return new AuditSummary
        {
            Total = total,
            ByAction = Sorted(AuditSummarySql.Dimension.Action),
            BySeverity = Sorted(AuditSummarySql.Dimension.Severity),
            ByStatus = Sorted(AuditSummarySql.Dimension.Status),
            ByService = Sorted(AuditSummarySql.Dimension.Service),
            TopUsers = Sorted(AuditSummarySql.Dimension.User),
            TopIps = Sorted(AuditSummarySql.Dimension.IpAddress),
            TimeBuckets = EveryBucket(AuditEventRow.ToStoredTime(from), AuditEventRow.ToStoredTime(to), bucket, buckets),
        };
    }

    // Severity and status are stored as their enum values; a summary names them as the wire contract does.
    private static string? KeyName(AuditSummarySql.Dimension dimension, string? key) => dimension switch
    {
        AuditSummarySql.Dimension.Severity when short.TryParse(key, CultureInfo.InvariantCulture, out var value) =>
            ((AuditSeverity)value).ToString().ToUpperInvariant(),
        AuditSummarySql.Dimension.Status when short.TryParse(key, CultureInfo.InvariantCulture, out var value) =>
            ((AuditStatus)value).ToString().ToUpperInvariant(),
        _ => key,
    };

    // Every bucket of [from, to), empty ones as zero, so a chart of the answer has no holes.
    private static List<AuditBucketCount> EveryBucket(
        DateTimeOffset from, DateTimeOffset to, AuditTimeBucket bucket, Dictionary<DateTimeOffset, long> counts)
    {
        var width = bucket == AuditTimeBucket.Day ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1);
        var start = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % width.Ticks), TimeSpan.Zero);
        var result = new List<AuditBucketCount>();
        for (var at = start; at < to; at += width)
        {
            result.Add(new AuditBucketCount(at, counts.GetValueOrDefault(at)));
        }

        return result;
    }

    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(StorageScope.System, ConnectionIntent.Primary, cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT 1 FROM {AuditDbContext.EventsTable} LIMIT 1";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>
    /// An open connection to the store for <paramref name="intent"/> that sees the rows of <paramref name="scope"/> only
    /// (see <see cref="StorageScope"/>): the lists, searches, counts, groups, summaries and exports here ask for
    /// <see cref="ConnectionIntent.Read"/> (which a read replica may answer); inserts, their dedup, reads by id and the
    /// health probe for <see cref="ConnectionIntent.Primary"/>.
    /// </summary>
    protected abstract ValueTask<DbConnection> OpenConnectionAsync(StorageScope scope, ConnectionIntent intent, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="rows"/> (distinct ids, one tenant) in one transaction, skipping those already stored, each
    /// one written linked into the tenant's chain (its <see cref="AuditEventRow.Seq"/>, salt and hash set, the head
    /// saved, see <see cref="AuditChain"/>), with
    /// <paramref name="hooks"/> in the same transaction (<see cref="AuditInsertHooks.Before"/> first, again if the
    /// transaction is retried; then <see cref="RunWrittenAsync"/> with the rows written); returns, per row, whether it
    /// was written.
    /// </summary>
    protected abstract Task<bool[]> WriteAsync(List<AuditEventRow> rows, AuditInsertHooks hooks, CancellationToken cancellationToken);

    /// <summary>Runs <see cref="AuditInsertHooks.Written"/> with the ids of the newly written events, when there are any.</summary>
    protected async Task RunWrittenAsync(
        DbConnection connection, DbTransaction transaction, string tenantId, AuditWrittenWork written, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count > 0)
        {
            await written(connection, transaction, Dialect, tenantId, ids, cancellationToken).ConfigureAwait(false);
        }
    }
}
