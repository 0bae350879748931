using System.Diagnostics;
using AuditKit.Server.Detection.Rules;

namespace AuditKit.Server.Detection;

/// <summary>
/// Runs one evaluation pass for a tenant's newly stored events: in one transaction that first takes the tenant's
/// detection lock (so passes of one tenant, in any server process, run one after the other and each sees everything
/// committed before it), the pass claims its batches by deleting their outbox rows (a batch another pass evaluated
/// first is no longer there and is left out, so no event is evaluated twice), every rule reads the stored events it
/// needs, the matches become alerts, and newly raised alerts get the work of other slices done (see <see cref="IAlertRaisedHandler"/>: webhooks queue
/// their deliveries).
/// </summary>
internal sealed partial class AlertDetector(
    IDetectionStore store,
    IOptions<DetectionOptions> options,
    TimeProvider timeProvider,
    DetectionMetrics metrics,
    IEnumerable<IAlertRaisedHandler> raisedHandlers,
    ILogger<AlertDetector> logger)
{
    private readonly IAlertRaisedHandler[] _raisedHandlers = [.. raisedHandlers];

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

    /// <summary>
    /// Evaluates the queued <paramref name="batches"/> of <paramref name="tenantId"/> (their events in memory). Batches
    /// whose outbox row is gone were evaluated by another pass (a sweep) and are left out.
    /// </summary>
    public Task<DetectionPassResult> EvaluateAsync(string tenantId, IReadOnlyList<DetectionBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(batches);
        return PassAsync(
            tenantId,
            [.. batches.Select(static b => b.Id)],
            withEventIds: false,
            (claimed, _, _) => Task.FromResult<IReadOnlyList<DetectionEvent>>(batches.Count == 1 && claimed.Count == 1
                ? batches[0].Events
                : [.. batches.Where(b => claimed.ContainsKey(b.Id)).SelectMany(static b => b.Events)]),
            cancellationToken);
    }

    /// <summary>
    /// Evaluates the outbox batches <paramref name="batchIds"/> of <paramref name="tenantId"/>, reading their events from
    /// the store (what a stopped process left behind). Batches already evaluated are left out.
    /// </summary>
    public Task<DetectionPassResult> EvaluateStoredAsync(string tenantId, IReadOnlyCollection<Guid> batchIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(batchIds);
        return PassAsync(
            tenantId,
            batchIds,
            withEventIds: true,
            async (claimed, session, ct) =>
            {
                var events = await session.ReadEventsAsync(claimed.Values.SelectMany(static ids => ids!), DetectionEvent.FromStored, ct).ConfigureAwait(false);
                events.Sort(static (a, b) => a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Id.CompareTo(b.Id));
                return events;
            },
            cancellationToken);
    }

    private async Task<DetectionPassResult> PassAsync(
        string tenantId,
        IReadOnlyCollection<Guid> batchIds,
        bool withEventIds,
        Func<Dictionary<Guid, Guid[]?>, DetectionSession, CancellationToken, Task<IReadOnlyList<DetectionEvent>>> eventsOf,
        CancellationToken cancellationToken)
    {
        if (batchIds.Count == 0)
        {
            return DetectionPassResult.None;
        }

        var started = Stopwatch.GetTimestamp();
        var now = timeProvider.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
        IReadOnlyList<WrittenAlert> written;
        IReadOnlyList<DetectionEvent> events;
        int claimedBatches;
        DetectionPass pass;
        int[]? queued = null;
        await using (var session = await store.BeginPassAsync(tenantId, cancellationToken).ConfigureAwait(false))
        {
            // Under the tenant's lock: a batch another pass evaluated first has no outbox row any more.
            var claimed = await session.ClaimBatchesAsync(batchIds, withEventIds, cancellationToken).ConfigureAwait(false);
            claimedBatches = claimed.Count;
            events = claimed.Count == 0 ? [] : await eventsOf(claimed, session, cancellationToken).ConfigureAwait(false);
            pass = new DetectionPass(session, options.Value.For(tenantId), events, now);
            if (events.Count > 0)
            {
                foreach (var rule in _rules)
                {
                    await rule.EvaluateAsync(pass, cancellationToken).ConfigureAwait(false);
                }

                written = await session.WriteAlertsAsync(pass.Matches, now, options.Value.EvidenceLimit, cancellationToken).ConfigureAwait(false);
                var raised = written.Where(static a => a.Created).ToList();
                if (_raisedHandlers.Length > 0)
                {
                    queued = new int[_raisedHandlers.Length];
                    for (var i = 0; i < _raisedHandlers.Length; i++)
                    {
                        queued[i] = await _raisedHandlers[i].OnRaisedAsync(pass, raised, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            else
            {
                written = [];
            }

            if (claimedBatches > 0)
            {
                await session.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (claimedBatches > 0)
        {
            pass.Committed();
        }

        for (var i = 0; queued is not null && i < queued.Length; i++)
        {
            _raisedHandlers[i].OnCommitted(queued[i]);
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
        if (events.Count > 0)
        {
            metrics.Evaluated(events.Count, elapsed);
        }

        LogPass(logger, tenantId, claimedBatches, batchIds.Count, events.Count, written.Count, elapsed);
        return new DetectionPassResult(claimedBatches, events.Count, written);
    }

    [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "Detection pass for tenant {TenantId}: {Batches} of {Offered} batches still waiting, {Events} events, {Alerts} alerts raised or updated, {Milliseconds} ms")]
    private static partial void LogPass(ILogger logger, string tenantId, int batches, int offered, int events, int alerts, double milliseconds);

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Alert {Rule} raised for a {KeyType} in tenant {TenantId}: {AlertId}")]
    private static partial void LogRaised(ILogger logger, string rule, string keyType, string tenantId, Guid alertId);
}
