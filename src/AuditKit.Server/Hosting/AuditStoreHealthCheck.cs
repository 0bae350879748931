using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditKit.Server.Hosting;

/// <summary>Readiness: the event store answers.</summary>
internal sealed class AuditStoreHealthCheck(IAuditEventStore store) : IHealthCheck
{
    /// <summary>The tag of checks that decide readiness (<c>/health/ready</c>).</summary>
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.IsReachableAsync(cancellationToken)
                ? HealthCheckResult.Healthy("The audit store is reachable.")
                : HealthCheckResult.Unhealthy("The audit store is not reachable.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The audit store is not reachable.", ex);
        }
    }
}
