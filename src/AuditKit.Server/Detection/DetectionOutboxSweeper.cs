using AuditKit.Server.Common;
using AuditKit.Server.Storage;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Detection;

/// <summary>
/// Evaluates the batches a stopped (crashed, killed, or out of shutdown time) server process left in
/// <c>detection_outbox</c>, and those whose pass failed: at start-up and every
/// <see cref="DetectionOptions.SweepInterval"/>, the batches older than <see cref="DetectionOptions.SweepGracePeriod"/>.
/// </summary>
/// <remarks>
/// Several processes sweep one database safely. A sweep claims batches for <see cref="DetectionOptions.SweepClaimLease"/>
/// (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL), so two sweeps share the work rather than queue for the same
/// batches; and the evaluation itself claims each batch again by deleting its outbox row under the tenant's detection
/// lock (see <see cref="AlertDetector"/>), so a batch is evaluated exactly once even when a sweep and the process that
/// stored it, or two sweeps after a lease ran out, reach it at the same time.
/// </remarks>
internal sealed partial class DetectionOutboxSweeper(
    StorageConnections database,
    AlertDetector detector,
    DetectionMetrics metrics,
    IOptions<DetectionOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<DetectionOutboxSweeper> logger) : BackgroundService
{
    /// <summary>Outbox rows claimed at a time.</summary>
    private const int ClaimSize = 50;

    /// <summary>The longest a batch that keeps failing waits between two tries.</summary>
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(6);

    private readonly SemaphoreSlim _gate = new(1, 1);

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // The outbox is read only once the host has started: the schema migration runs at start-up.
        if (!await lifetime.WaitForStartedAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSweepFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.Value.SweepInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Evaluates the outbox batches older than the grace period that no other sweep holds; returns how many batches
    /// this sweep evaluated (not those it found already evaluated).
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var evaluated = 0;
            while (true)
            {
                var claimed = await ClaimAsync(cancellationToken).ConfigureAwait(false);
                foreach (var tenant in claimed.GroupBy(static c => c.TenantId, StringComparer.Ordinal))
                {
                    foreach (var pass in Passes(tenant, options.Value.MaxEventsPerPass))
                    {
                        evaluated += await EvaluateAsync(tenant.Key, pass, cancellationToken).ConfigureAwait(false);
                    }
                }

                // Batches that failed keep their lease, so the next claim does not see them again.
                if (claimed.Count < ClaimSize)
                {
                    return evaluated;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The claimed batches of a tenant in passes of at most <paramref name="maxEvents"/> events (at least one batch each).</summary>
    private static IEnumerable<List<ClaimedBatch>> Passes(IEnumerable<ClaimedBatch> batches, int maxEvents)
    {
        var pass = new List<ClaimedBatch>();
        var events = 0;
        foreach (var batch in batches)
        {
            if (pass.Count > 0 && events + batch.EventCount > maxEvents)
            {
                yield return pass;
                pass = [];
                events = 0;
            }

            pass.Add(batch);
            events += batch.EventCount;
        }

        if (pass.Count > 0)
        {
            yield return pass;
        }
    }

    private async Task<int> EvaluateAsync(string tenantId, List<ClaimedBatch> batches, CancellationToken cancellationToken)
    {
        try
        {
            var result = await detector.EvaluateStoredAsync(tenantId, [.. batches.Select(static b => b.Id)], cancellationToken).ConfigureAwait(false);
            if (result.Batches > 0)
            {
                metrics.Swept(result.Batches);
                LogSwept(logger, result.Batches, result.Events, tenantId, result.Alerts.Count);
            }

            return result.Batches;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Failed();
            if (batches.Count == 1)
            {
                var delay = await PostponeAsync(batches[0], cancellationToken).ConfigureAwait(false);
                LogBatchFailed(logger, ex, batches[0].Id, tenantId, batches[0].Attempts + 1, delay);
                return 0;
            }

            // One bad batch must not hold back the others: evaluate them one by one.
            var evaluated = 0;
            foreach (var batch in batches)
            {
                evaluated += await EvaluateAsync(tenantId, [batch], cancellationToken).ConfigureAwait(false);
            }

            return evaluated;
        }
    }

    private async Task<List<ClaimedBatch>> ClaimAsync(CancellationToken cancellationToken)
    {
        var sql = database.Dialect;
        var now = AuditEventRow.ToStoredTime(timeProvider.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var nowParameter = DetectionPass.Add(command, "now", sql.TimeValue(now));
        var cutoff = DetectionPass.Add(command, "cutoff", sql.TimeValue(now - options.Value.SweepGracePeriod));
        var until = DetectionPass.Add(command, "until", sql.TimeValue(now + options.Value.SweepClaimLease));
        var limit = DetectionPass.Add(command, "n", ClaimSize);
        var due = $"created_at <= {cutoff} AND (claimed_until IS NULL OR claimed_until <= {nowParameter})";
        command.CommandText = sql.ClaimDue(
            DetectionModel.OutboxTable, due, "created_at", limit, until, "tenant_id", "id", "event_count", "created_at", "attempts");
        var claimed = new List<ClaimedBatch>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedBatch(
                reader.GetString(0), sql.ReadId(reader, 1), reader.GetInt32(2), sql.ReadTime(reader, 3), reader.GetInt32(4)));
        }

        // Oldest first, so a tenant's passes follow the order its batches were stored in.
        claimed.Sort(static (a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return claimed;
    }

    /// <summary>
    /// Records that a sweep failed to evaluate the batch and holds it back for longer each time: the claim lease after
    /// the first failure, then twice as long after each further one, up to <see cref="MaxRetryDelay"/>. A batch that
    /// cannot be evaluated (a bug, data the rules choke on) is never dropped, but it does not fill the log every lease.
    /// </summary>
    private async Task<TimeSpan> PostponeAsync(ClaimedBatch batch, CancellationToken cancellationToken)
    {
        var attempts = batch.Attempts + 1;
        var delay = RetryDelay(options.Value.SweepClaimLease, attempts);
        var sql = database.Dialect;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"UPDATE {DetectionModel.OutboxTable} SET attempts = {DetectionPass.Add(command, "a", attempts)}, " +
            $"claimed_until = {DetectionPass.Add(command, "until", sql.TimeValue(AuditEventRow.ToStoredTime(timeProvider.GetUtcNow() + delay)))} " +
            $"WHERE tenant_id = {DetectionPass.Add(command, "t", batch.TenantId)} AND id = {DetectionPass.Add(command, "id", sql.IdValue(batch.Id))}";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return delay;
    }

    /// <summary>How long a batch that failed <paramref name="attempts"/> times waits before the next try.</summary>
    internal static TimeSpan RetryDelay(TimeSpan lease, int attempts)
    {
        var delay = lease;
        for (var i = 1; i < attempts && delay < MaxRetryDelay; i++)
        {
            delay *= 2;
        }

        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    private sealed record ClaimedBatch(string TenantId, Guid Id, int EventCount, DateTimeOffset CreatedAt, int Attempts);

    [LoggerMessage(EventId = 620, Level = LogLevel.Information, Message = "Outbox sweep evaluated {Batches} batches ({Events} events) of tenant {TenantId} left by a stopped process or a failed pass; {Alerts} alerts raised or updated")]
    private static partial void LogSwept(ILogger logger, int batches, int events, string tenantId, int alerts);

    [LoggerMessage(EventId = 621, Level = LogLevel.Error, Message = "Outbox sweep could not evaluate batch {BatchId} of tenant {TenantId} ({Attempts} failed attempts); it is tried again after {Delay}")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, Guid batchId, string tenantId, int attempts, TimeSpan delay);

    [LoggerMessage(EventId = 622, Level = LogLevel.Error, Message = "Outbox sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
