using System.Collections.Concurrent;
using Npgsql;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// Has PostgreSQL's statistics learn a tenant soon after its first events land in a time partition of
/// <c>audit_events</c>, instead of whenever autovacuum next analyzes the partition. Until then the planner estimates one
/// row for the tenant, every index that leads with <c>tenant_id</c> looks alike, and detection's recounts and reads
/// filter a user out of all the tenant's rows instead of using a user-leading index (docs/bench-ingest.md).
/// </summary>
/// <remarks>
/// The event store reports each committed batch (<see cref="Written"/>): once this process has written
/// <see cref="MinRows"/> rows of a tenant into a partition period, the (partition, tenant) pair is queued, once. A
/// tenant with fewer rows there is left alone: the planner's one-row estimate is then near the truth, and a plan that
/// reads all of a few hundred rows costs well under a millisecond, while an <c>ANALYZE</c> of a large partition costs a
/// second of the database's time. (Queueing at the first row made every small tenant of a day, in a new partition each
/// day or after each restart, cost an <c>ANALYZE</c> that could not find it: statistics list only the most common
/// tenants.) Off the request path, after a short settle
/// (so the tenant's first batches are in and tenants arriving together share one <c>ANALYZE</c>), the worker calls
/// <see cref="PartitionStatisticsSql"/>'s function once per partition with the tenants queued for it; the function,
/// owned by the schema owner, analyzes that partition only, unless its statistics already know those tenants or another
/// instance is analyzing it. At most one <c>ANALYZE</c> per partition per <see cref="MinInterval"/> from this process;
/// the queue is bounded (<see cref="MaxPending"/> tenants; what does not fit is counted as dropped). A failure (the
/// function missing, no privilege, the database away) is logged and counted, never thrown: the statistics are then
/// left to autovacuum, as before. Counted in <c>auditkit.storage.partition_analyzes</c> by outcome.
/// </remarks>
internal sealed partial class PostgresPartitionStatistics(
    Func<NpgsqlDataSource> dataSource,
    EventPartitionPeriod period,
    AuditStorageMetrics? metrics,
    TimeProvider timeProvider,
    ILogger<PostgresPartitionStatistics> logger) : BackgroundService
{
    /// <summary>How long the worker waits after a new (partition, tenant) before it analyzes.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary>The shortest time between two <c>ANALYZE</c>s of one partition from this process.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);

    /// <summary>The most tenants waiting for an <c>ANALYZE</c>.</summary>
    public const int MaxPending = 10_000;

    /// <summary>The rows of a tenant this process writes into a partition period before the pair is queued.</summary>
    public const int MinRows = 500;

    // The (tenant, period) pairs this process has seen; cleared when it grows past this (a tenant may then be queued
    // once more, still at most one ANALYZE per partition per MinInterval).
    private const int MaxSeen = 100_000;

    // What _seen holds for a pair once it is queued, instead of its row count.
    private const int Queued = -1;

    // Per (tenant, period): the rows this process has written there, up to MinRows; Queued after.
    private readonly ConcurrentDictionary<(string Tenant, long Period), int> _seen = new();
    private readonly Dictionary<long, (Guid Id, HashSet<string> Tenants)> _pending = [];
    private readonly Dictionary<long, DateTimeOffset> _analyzed = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Lock _lock = new();
    private int _pendingTenants;
    private int _seenCount;

    /// <summary>
    /// Notes the tenant's committed rows; queues each partition period where this process has now written
    /// <see cref="MinRows"/> of the tenant's rows, the first time it gets there.
    /// </summary>
    public void Written(string tenantId, IReadOnlyList<AuditEventRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        for (var start = 0; start < rows.Count;)
        {
            // A run of rows in one period (a batch is nearly always one run).
            var key = PeriodKey(rows[start].Id);
            var end = start + 1;
            while (end < rows.Count && PeriodKey(rows[end].Id) == key)
            {
                end++;
            }

            Count(tenantId, key, end - start, rows[start].Id);
            start = end;
        }
    }

    private void Count(string tenantId, long key, int rows, Guid id)
    {
        var pair = (tenantId, key);
        while (true)
        {
            int next;
            if (_seen.TryGetValue(pair, out var count))
            {
                if (count == Queued)
                {
                    return;
                }

                next = count + rows >= MinRows ? Queued : count + rows;
                if (!_seen.TryUpdate(pair, next, count))
                {
                    continue;
                }
            }
            else
            {
                next = rows >= MinRows ? Queued : rows;
                if (!_seen.TryAdd(pair, next))
                {
                    continue;
                }

                if (Interlocked.Increment(ref _seenCount) > MaxSeen)
                {
                    _seen.Clear();
                    Interlocked.Exchange(ref _seenCount, 0);
                }
            }

            if (next == Queued)
            {
                Queue(tenantId, key, id);
            }

            return;
        }
    }

    /// <summary>Analyzes every queued partition not analyzed in the last <see cref="MinInterval"/>; returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        List<(long Key, Guid Id, string[] Tenants)> due;
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            due = [.. _pending
                .Where(p => !_analyzed.TryGetValue(p.Key, out var at) || now - at >= MinInterval)
                .Select(p => (p.Key, p.Value.Id, p.Value.Tenants.ToArray()))];
            foreach (var (key, _, tenants) in due)
            {
                _pending.Remove(key);
                _pendingTenants -= tenants.Length;
            }
        }

        var analyzed = 0;
        foreach (var (key, id, tenants) in due)
        {
            try
            {
                await using var command = dataSource().CreateCommand($"SELECT {PartitionStatisticsSql.Function}(@tenants, @id)");
                command.Parameters.AddWithValue("tenants", tenants);
                command.Parameters.AddWithValue("id", id);
                var done = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                if (done)
                {
                    analyzed++;
                    lock (_lock)
                    {
                        _analyzed[key] = timeProvider.GetUtcNow();
                    }

                    LogAnalyzed(logger, tenants.Length, id);
                }

                metrics?.PartitionAnalyzed(done ? "analyzed" : "skipped", 1);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                metrics?.PartitionAnalyzed("failed", 1);
                LogFailed(logger, tenants.Length, e.Message);
            }
        }

        return analyzed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Settle, timeProvider, stoppingToken).ConfigureAwait(false);
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                // Partitions analyzed a moment ago wait for their interval.
                while (NextDue() is { } due)
                {
                    await Task.Delay(due, timeProvider, stoppingToken).ConfigureAwait(false);
                    await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    private void Queue(string tenantId, long key, Guid id)
    {
        lock (_lock)
        {
            if (_pendingTenants >= MaxPending)
            {
                _seen.TryRemove((tenantId, key), out _);
                metrics?.PartitionAnalyzed("dropped", 1);
                return;
            }

            if (!_pending.TryGetValue(key, out var entry))
            {
                entry = (id, []);
                _pending[key] = entry;
            }

            if (entry.Tenants.Add(tenantId))
            {
                _pendingTenants++;
            }
        }

        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    // How long until the first pending partition may be analyzed again; null when none is pending.
    private TimeSpan? NextDue()
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return null;
            }

            var wait = _pending.Keys.Min(k => _analyzed.TryGetValue(k, out var at) ? at + MinInterval - now : TimeSpan.Zero);
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// The partition period an id falls in (ids are UUIDv7: their first 48 bits are Unix milliseconds, which pick the
    /// partition): the month or day number; -1 for an id that is not a UUIDv7 (the default partition).
    /// </summary>
    internal long PeriodKey(Guid id)
    {
        if (!EventIdRule.IsVersion7(id))
        {
            return -1;
        }

        var ms = EventIdRule.Milliseconds(id);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return period == EventPartitionPeriod.Day ? ms / 86_400_000 : (at.Year * 12L) + at.Month - 1;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug,
        Message = "Analyzed the audit_events partition holding {Id}: {Tenants} tenant(s) new to its statistics.")]
    private static partial void LogAnalyzed(ILogger logger, int tenants, Guid id);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning,
        Message = "Could not have the statistics of an audit_events partition taken for {Tenants} new tenant(s) (left to autovacuum): {Reason}")]
    private static partial void LogFailed(ILogger logger, int tenants, string reason);
}
