using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditKit.Delivery;

/// <summary>
/// Reports the delivery pipeline's state: <see cref="HealthStatus.Healthy"/> while events flow to the server,
/// <see cref="HealthStatus.Degraded"/> while they are being spooled to disk (server unreachable, circuit open, or
/// sending paused because the server refused the API key). The application keeps working either way, so this check
/// never reports Unhealthy. Register it with
/// <c>services.AddHealthChecks().AddCheck&lt;AuditDeliveryHealthCheck&gt;("auditkit-delivery")</c>.
/// </summary>
public sealed class AuditDeliveryHealthCheck : IHealthCheck
{
    private readonly AuditDeliveryService _service;

    internal AuditDeliveryHealthCheck(AuditDeliveryService service) => _service = service;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var spool = _service.Spool;
        var data = new Dictionary<string, object>
        {
            ["spooled_events"] = spool?.PendingEvents ?? 0,
            ["spooled_batches"] = spool?.PendingBatches ?? 0,
            ["spool_bytes"] = spool?.Bytes ?? 0,
            ["paused"] = _service.IsPaused,
            ["server_unavailable"] = _service.IsUnavailable,
        };

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
}
