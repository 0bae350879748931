using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditKit.Delivery;

/// <summary>
/// Reports the delivery pipeline's state: <see cref="HealthStatus.Healthy"/> while events flow to the server,
/// <see cref="HealthStatus.Degraded"/> while they are being spooled to disk (server unreachable, circuit open, or
/// sending paused because the server refused the API key), and <see cref="HealthStatus.Unhealthy"/> for
/// <see cref="LossWindow"/> after audit events were lost (the channel was full, the spool reached its cap, or the
/// spool could not be written, e.g. a full disk), with the count since start in <c>lost_events</c>. The application
/// keeps working in every case: map this check to alerting or readiness, not to a liveness probe that restarts the
/// application. Register it with
/// <c>services.AddHealthChecks().AddCheck&lt;AuditDeliveryHealthCheck&gt;("auditkit-delivery")</c>.
/// </summary>
public sealed class AuditDeliveryHealthCheck : IHealthCheck
{
    /// <summary>How long the check stays Unhealthy after the last lost event was seen.</summary>
    public static readonly TimeSpan LossWindow = TimeSpan.FromMinutes(5);

    private readonly AuditDeliveryService _service;
    private readonly Lock _lock = new();
    private long _lostSeen;
    private long _lostSeenAt;

    internal AuditDeliveryHealthCheck(AuditDeliveryService service) => _service = service;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var spool = _service.Spool;
        var lost = _service.LostEvents;
        var data = new Dictionary<string, object>
        {
            ["spooled_events"] = spool?.PendingEvents ?? 0,
            ["spooled_batches"] = spool?.PendingBatches ?? 0,
            ["spool_bytes"] = spool?.Bytes ?? 0,
            ["lost_events"] = lost,
            ["paused"] = _service.IsPaused,
            ["server_unavailable"] = _service.IsUnavailable,
        };

        if (LostRecently(lost))
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"{lost} audit event(s) were lost since start (channel full, spool cap reached or spool not writable, e.g. a full disk); see the auditkit.delivery.dropped metric.",
                data: data));
        }

        string? problem = null;
        if (_service.IsPaused)
        {
            problem = "The audit server refused the API key (401/403); sending is paused and events are spooled. Check AuditKit:ApiKey.";
        }
        else if (_service.IsUnavailable)
        {
            problem = "The audit server is unreachable; events are spooled and will be replayed.";
        }
        else if (spool is { IsEmpty: false })
        {
            problem = $"{spool.PendingEvents} audit event(s) are spooled, waiting to be replayed.";
        }

        return Task.FromResult(problem is null
            ? HealthCheckResult.Healthy("Audit events are delivered.", data)
            : HealthCheckResult.Degraded(problem, data: data));
    }

    private bool LostRecently(long lost)
    {
        var time = _service.Time;
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (lost > _lostSeen)
            {
                _lostSeen = lost;
                _lostSeenAt = now;
            }

            return _lostSeen > 0 && time.GetElapsedTime(_lostSeenAt, now) < LossWindow;
        }
    }
}
