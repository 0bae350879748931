using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AuditKit.Server.Detection.Rules;
using AuditKit.Server.Webhooks;
using Microsoft.Extensions.Options;

namespace AuditKit.Server.Detection;

/// <summary>
/// Runs one evaluation pass for a tenant's newly stored events: in one transaction that first takes the tenant's
/// detection lock (so passes of one tenant, in any server process, run one after the other and each sees everything
/// committed before it), every rule reads the stored events it needs, the matches become alerts, and newly raised
/// alerts get their webhook deliveries queued.
/// </summary>
internal sealed partial class AlertDetector(
    DetectionDatabase database,
    IOptions<DetectionOptions> options,
    TimeProvider timeProvider,
    DetectionMetrics metrics,
    WebhookSignal webhooks,
    ILogger<AlertDetector> logger)
{
    // Instances per detector: a rule may remember what this process knows is stored (see NewIpRule).
    private readonly IDetectionRule[] _rules =
    [
        new FailedLoginsByIpRule(),
        new LoginsByUserRule(),
        new CriticalBurstRule(),
        MassActionRule.Delete,
        MassActionRule.Export,
        new PrivilegeEscalationRule(),
        new NewIpRule(),
        new RateAnomalyRule(),
    ];

    /// <summary>Evaluates <paramref name="events"/> (newly stored for <paramref name="tenantId"/>); returns the alerts raised or updated.</summary>
    public async Task<IReadOnlyList<WrittenAlert>> EvaluateAsync(string tenantId, IReadOnlyList<DetectionEvent> events, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        var started = Stopwatch.GetTimestamp();
        var sql = database.Sql;
        var now = timeProvider.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
        IReadOnlyList<WrittenAlert> written;
        var deliveries = 0;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            var pass = new DetectionPass(connection, transaction, sql, tenantId, options.Value.For(tenantId), events, now);
            if (sql.TenantLock("@lock") is { } lockSql)
            {
                await using var take = pass.CreateCommand(lockSql);
                DetectionPass.Add(take, "lock", LockKey(tenantId));
                await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var rule in _rules)
            {
                await rule.EvaluateAsync(pass, cancellationToken).ConfigureAwait(false);
            }

            written = await AlertWriter.WriteAsync(pass, options.Value.EvidenceLimit, cancellationToken).ConfigureAwait(false);
            var raised = written.Where(static a => a.Created).ToList();
            deliveries = await WebhookOutbox.EnqueueAsync(pass, raised, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (deliveries > 0)
        {
            webhooks.Notify();
        }

        foreach (var alert in written)
        {
            metrics.Alert(alert.Match.Rule, alert.Created);
            if (alert.Created)
            {
                LogRaised(logger, alert.Match.Rule, alert.Match.KeyType, tenantId, alert.Id);
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        metrics.Evaluated(events.Count, elapsed);
        LogPass(logger, tenantId, events.Count, written.Count, elapsed);
        return written;
    }

    /// <summary>A stable 64-bit advisory lock key for the tenant's detection.</summary>
    internal static long LockKey(string tenantId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("auditkit:detection:" + tenantId)), 0);

    [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "Detection pass for tenant {TenantId}: {Events} events, {Alerts} alerts raised or updated, {Milliseconds} ms")]
    private static partial void LogPass(ILogger logger, string tenantId, int events, int alerts, double milliseconds);

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Alert {Rule} raised for a {KeyType} in tenant {TenantId}: {AlertId}")]
    private static partial void LogRaised(ILogger logger, string rule, string keyType, string tenantId, Guid alertId);
}
