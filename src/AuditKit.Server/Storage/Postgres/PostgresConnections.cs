using System.Net.Sockets;
using Npgsql;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// Where a PostgreSQL connection goes, by its <see cref="ConnectionIntent"/>: the one place that sends reads to the
/// read replica (<c>ConnectionStrings:AuditKitRead</c>) and everything else to the primary. Before reads use the
/// replica it is checked — at most once per <see cref="CheckInterval"/> (by the <see cref="TimeProvider"/>), the
/// answer cached in between — to be a standby in recovery that is at most <c>AuditKit:Storage:ReadReplicaMaxLag</c>
/// behind: caught up (all WAL received is replayed, with a WAL receiver streaming) counts as no lag however long the
/// primary has been idle; otherwise the lag is <c>now() - pg_last_xact_replay_timestamp()</c>, and unknown (no
/// transaction replayed yet) counts as too far behind. A replica that is unreachable, too far behind or not a standby
/// sends reads to the primary: each such read is counted (<c>auditkit.storage.read_fallbacks</c>), and each change of
/// state is logged once. So a read is at most the bound plus <see cref="CheckInterval"/> behind the primary. The check is
/// single-flight: when it is due, one read runs it and the reads arriving meanwhile use the last answer (before the
/// first answer they wait for it), so a burst of reads runs the lag query once, not once per read.
/// </summary>
internal sealed partial class PostgresConnections : IAsyncDisposable
{
    /// <summary>How long the outcome of a check of the replica is used before the replica is checked again.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    // Column 1: in recovery; 2: a WAL receiver is running (its pid is visible to any role); 3: everything received
    // is replayed; 4: seconds since the last replayed transaction committed on the primary (null before the first).
    private const string CheckSql =
        "SELECT pg_is_in_recovery(), EXISTS (SELECT 1 FROM pg_stat_wal_receiver), " +
        "coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false), " +
        "extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8";

    private readonly NpgsqlDataSource _primary;
    private readonly NpgsqlDataSource? _replica;
    private readonly TimeSpan _maxLag;
    private readonly TimeProvider _time;
    private readonly AuditStorageMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ReplicaCheck? _last;
    private Task? _inFlight;

    public PostgresConnections(
        NpgsqlDataSource primary, NpgsqlDataSource? replica, TimeSpan maxLag, TimeProvider time, AuditStorageMetrics? metrics, ILogger<PostgresConnections> logger)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _primary = primary;
        _replica = replica;
        _maxLag = maxLag;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Whether a read replica is configured.</summary>
    public bool HasReplica => _replica is not null;

    /// <summary>
    /// An open connection for <paramref name="intent"/>: the primary's, or for <see cref="ConnectionIntent.Read"/> the
    /// replica's while it is fresh enough (the primary's otherwise).
    /// </summary>
    public async ValueTask<NpgsqlConnection> OpenAsync(ConnectionIntent intent, CancellationToken cancellationToken)
    {
        if (intent == ConnectionIntent.Primary || _replica is null)
        {
            return await _primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var now = _time.GetUtcNow();
            var last = Volatile.Read(ref _last);
            if (last is not null && now - last.At < CheckInterval)
            {
                return await OpenByStateAsync(_replica, last.State, now, cancellationToken).ConfigureAwait(false);
            }

            // The check is due. One read runs it (single flight); the reads that come meanwhile use the last answer, or
            // before the first answer wait for the check in flight and then look again.
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Interlocked.CompareExchange(ref _inFlight, done.Task, null) is { } running)
            {
                if (last is not null)
                {
                    return await OpenByStateAsync(_replica, last.State, now, cancellationToken).ConfigureAwait(false);
                }

                await running.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                var (checkedState, connection, detail) = await CheckAsync(_replica, cancellationToken).ConfigureAwait(false);
                Record(now, checkedState, detail);
                if (connection is not null)
                {
                    return connection;
                }

                _metrics?.ReadFellBack(checkedState);
                return await _primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _inFlight, null);
                done.TrySetResult();
            }
        }
    }

    // A read by the last answer: the replica while it was fresh (the primary when it is found unreachable), else the primary.
    private async ValueTask<NpgsqlConnection> OpenByStateAsync(
        NpgsqlDataSource replica, ReadReplicaState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (state == ReadReplicaState.Fresh)
        {
            try
            {
                return await replica.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsUnreachable(e))
            {
                state = ReadReplicaState.Unreachable;
                Record(now, state, e.Message);
            }
        }

        _metrics?.ReadFellBack(state);
        return await _primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the replica's last check found, or null before the first read that asked for it.</summary>
    public ReadReplicaState? LastState => Volatile.Read(ref _last)?.State;

    public async ValueTask DisposeAsync()
    {
        if (_replica is not null)
        {
            await _replica.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Checks the replica on a connection of its own, handed back open when the replica is fresh.
    private async Task<(ReadReplicaState State, NpgsqlConnection? Connection, string Detail)> CheckAsync(
        NpgsqlDataSource replica, CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await replica.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            bool inRecovery, receiving, caughtUp;
            double? lagSeconds;
            await using (var command = new NpgsqlCommand(CheckSql, connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                inRecovery = reader.GetBoolean(0);
                receiving = reader.GetBoolean(1);
                caughtUp = reader.GetBoolean(2);
                lagSeconds = reader.IsDBNull(3) ? null : reader.GetDouble(3);
            }

            var (state, detail) = Judge(inRecovery, receiving, caughtUp, lagSeconds);
            if (state == ReadReplicaState.Fresh)
            {
                return (state, connection, detail);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            return (state, null, detail);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            return (ReadReplicaState.Unreachable, null, e.Message);
        }
    }

    private (ReadReplicaState State, string Detail) Judge(bool inRecovery, bool receiving, bool caughtUp, double? lagSeconds)
    {
        if (!inRecovery)
        {
            return (ReadReplicaState.NotStandby, "it is not in recovery (not a standby, or promoted)");
        }

        // All WAL received is replayed and the receiver streams: as fresh as replication itself, even when the
        // primary has been idle (and the last replayed transaction is old).
        if (caughtUp && receiving)
        {
            return (ReadReplicaState.Fresh, "it has replayed all WAL received");
        }

        if (lagSeconds is not { } lag)
        {
            return (ReadReplicaState.Lagging, "its lag is unknown (no transaction replayed yet)");
        }

        var bound = _maxLag.TotalSeconds;
        if (lag > bound)
        {
            return (ReadReplicaState.Lagging, string.Create(CultureInfo.InvariantCulture, $"its last replayed transaction is {lag:0.###} s old, over the bound of {bound:0.###} s"));
        }

        if (!receiving)
        {
            return (ReadReplicaState.Lagging, "it is not receiving WAL from the primary, so its lag is unknown");
        }

        return (ReadReplicaState.Fresh, string.Create(CultureInfo.InvariantCulture, $"it is {lag:0.###} s behind"));
    }

    // Connection refused or reset, timed out, shutting down, too many connections: the replica is away, not a bug.
    private static bool IsUnreachable(Exception exception) =>
        exception is NpgsqlException or SocketException or TimeoutException || AuditStoreUnavailable.IsUnavailable(exception);

    private void Record(DateTimeOffset at, ReadReplicaState state, string detail)
    {
        ReadReplicaState? previous;
        lock (_gate)
        {
            previous = _last?.State;
            _last = new ReplicaCheck(at, state);
        }

        if (previous == state || (previous is null && state == ReadReplicaState.Fresh))
        {
            return;
        }

        if (state == ReadReplicaState.Fresh)
        {
            LogReplicaBack(_logger, detail);
        }
        else
        {
            LogFallingBack(_logger, state, detail, _maxLag.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning,
        Message = "Reads go to the primary instead of the read replica ({State}): {Detail}. Staleness bound {MaxLagSeconds} s; checked again at most once per second.")]
    private static partial void LogFallingBack(ILogger logger, ReadReplicaState state, string detail, double maxLagSeconds);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Reads go to the read replica again: {Detail}.")]
    private static partial void LogReplicaBack(ILogger logger, string detail);

    private sealed record ReplicaCheck(DateTimeOffset At, ReadReplicaState State);
}
