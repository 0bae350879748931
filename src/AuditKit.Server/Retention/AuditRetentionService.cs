using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using AuditKit.Server.Admin;
using AuditKit.Server.Common;
using AuditKit.Server.Detection;
using AuditKit.Server.Storage;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Retention;

/// <summary>
/// Deletes each tenant's events older than its retention (<see cref="RetentionOptions"/>), at start-up and every
/// <see cref="RetentionOptions.Interval"/>, together with what is derived from them by time: the per-minute and per-day
/// state of the detection rules, resolved alerts last seen before the cut and webhook deliveries made before it (the
/// hourly summary counts are kept right by their triggers). Each tenant's purge is recorded as an audit event in its
/// own log.
/// </summary>
/// <remarks>
/// The cut is the start of a UTC hour, so whole hours of events go at a time. Events are deleted <see cref="RetentionOptions.BatchSize"/> at a time, each chunk in its own short transaction. Several
/// server processes may purge at once: a chunk deletes what is still there, so they only share the work. The
/// first-seen IPs of rule 8 are kept (one row per user and IP, not per event): dropping them would report every
/// long-known IP as new once more.
/// </remarks>
internal sealed partial class AuditRetentionService(
    DetectionDatabase database,
    IAuditEventStore store,
    AuditStorageMetrics metrics,
    IOptions<RetentionOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<AuditRetentionService> logger) : BackgroundService
{
    /// <summary>The <c>category</c> of the audit events recording a purge.</summary>
    public const string AuditCategory = "retention";

    /// <summary>The <c>user_id</c> of the audit events recording a purge.</summary>
    public const string Actor = "auditkit-retention";

    private readonly SemaphoreSlim _gate = new(1, 1);

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The tables exist only once the host has started: the schema migration runs at start-up.
        if (!await lifetime.WaitForStartedAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPurgeFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.Value.Interval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Purges every tenant whose retention is set; returns the events deleted per tenant (those with none left out).</summary>
    public async Task<IReadOnlyDictionary<string, long>> PurgeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deleted = new Dictionary<string, long>(StringComparer.Ordinal);
            var now = timeProvider.GetUtcNow();
            foreach (var tenant in await TenantsAsync(cancellationToken).ConfigureAwait(false))
            {
                var days = options.Value.DaysFor(tenant);
                if (days == 0)
                {
                    continue;
                }

                var cut = Cut(now, days);
                var events = await PurgeTenantAsync(tenant, cut, cancellationToken).ConfigureAwait(false);
                if (events > 0)
                {
                    deleted[tenant] = events;
                    metrics.Purged(events);
                    await RecordAsync(tenant, events, cut, days, now, cancellationToken).ConfigureAwait(false);
                    LogPurged(logger, events, tenant, cut, days);
                }
            }

            return deleted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The start of the UTC hour <paramref name="days"/> days before <paramref name="now"/>: events before it are deleted.</summary>
    internal static DateTimeOffset Cut(DateTimeOffset now, int days)
    {
        var cut = now.ToUniversalTime().AddDays(-days);
        return new DateTimeOffset(cut.UtcTicks - (cut.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
    }

    private async Task<long> PurgeTenantAsync(string tenant, DateTimeOffset cut, CancellationToken cancellationToken)
    {
        var values = database.Sql.Values;
        var stored = AuditEventRow.ToStoredTime(cut);
        long events = 0;
        while (true)
        {
            var chunk = await ExecuteAsync(
                tenant,
                (command, t) =>
                    $"DELETE FROM {AuditDbContext.EventsTable} WHERE tenant_id = {t} AND id IN (" +
                    $"SELECT e.id FROM {AuditDbContext.EventsTable} e WHERE e.tenant_id = {t} " +
                    $"AND e.timestamp < {DetectionPass.Add(command, "cut", values.TimeValue(stored))} " +
                    $"LIMIT {DetectionPass.Add(command, "n", options.Value.BatchSize)})",
                cancellationToken).ConfigureAwait(false);
            events += chunk;
            if (chunk < options.Value.BatchSize)
            {
                break;
            }
        }

        // What is derived from the deleted events by time (the hourly summary counts follow by themselves: triggers on
        // audit_events subtract what a delete removes). The rules' minutes before the cut held only deleted events;
        // their days likewise, counting only whole days before it.
        await ExecuteAsync(
            tenant,
            (command, t) => $"DELETE FROM {DetectionModel.UserMinutesTable} WHERE tenant_id = {t} AND minute < {DetectionPass.Add(command, "m", DetectionTime.Minute(cut))}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            tenant,
            (command, t) => $"DELETE FROM {DetectionModel.UserDaysTable} WHERE tenant_id = {t} AND day < {DetectionPass.Add(command, "d", DetectionTime.Day(cut))}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            tenant,
            (command, t) =>
                $"DELETE FROM {DetectionModel.AlertsTable} WHERE tenant_id = {t} AND status = {DetectionPass.Add(command, "resolved", (short)Alerts.AlertStatus.Resolved)} " +
                $"AND last_seen < {DetectionPass.Add(command, "cut", values.TimeValue(stored))}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            tenant,
            (command, t) => $"DELETE FROM {DetectionModel.DeliveriesTable} WHERE tenant_id = {t} AND created_at < {DetectionPass.Add(command, "cut", values.TimeValue(stored))}",
            cancellationToken).ConfigureAwait(false);
        return events;
    }

    /// <summary>Runs one statement for <paramref name="tenant"/> (bound as the returned text's tenant parameter) in its own transaction.</summary>
    private async Task<int> ExecuteAsync(string tenant, Func<DbCommand, string, string> sql, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var t = DetectionPass.Add(command, "t", tenant);
        command.CommandText = sql(command, t);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<string>> TenantsAsync(CancellationToken cancellationToken)
    {
        var tenants = new List<string>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM tenants ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(reader.GetString(0));
        }

        return tenants;
    }

    /// <summary>Records the purge in the tenant's own log: deleting audit data is itself audited.</summary>
    private Task RecordAsync(string tenant, long events, DateTimeOffset cut, int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        var record = new AuditEvent
        {
            Id = AuditEventIds.New(now),
            Timestamp = now,
            TenantId = tenant,
            Source = AuditSources.Manual,
            Action = AuditActions.Delete,
            Category = AuditCategory,
            ResourceType = "AuditEvent",
            UserId = Actor,
            Status = AuditStatus.Success,
            Severity = AuditSeverity.Medium,
            ServiceName = AdminAuditRecorder.ServiceName,
            Description = string.Create(
                CultureInfo.InvariantCulture, $"Retention: {events} events older than {cut:yyyy-MM-dd'T'HH:mm'Z'} deleted (kept for {days} days)."),
            NewValues = new JsonObject
            {
                ["deleted_events"] = events,
                ["before"] = cut.ToString("O", CultureInfo.InvariantCulture),
                ["retention_days"] = days,
            },
        };
        return store.InsertAsync(tenant, [record], now, AuditInsertHooks.None, cancellationToken);
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Retention deleted {Events} events of tenant {TenantId} older than {Cut} ({Days} days)")]
    private static partial void LogPurged(ILogger logger, long events, string tenantId, DateTimeOffset cut, int days);

    [LoggerMessage(EventId = 701, Level = LogLevel.Error, Message = "Retention job failed; it runs again after its interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
