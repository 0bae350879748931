using Polly.CircuitBreaker;

namespace AuditKit.Delivery;

/// <summary>
/// Lets the pipeline see the sender's circuit breaker: while it is open, batches go straight to the spool instead of
/// failing fast one by one.
/// </summary>
internal sealed class AuditCircuitState
{
    public CircuitBreakerStateProvider Provider { get; } = new();

    /// <summary>Whether sends are currently short-circuited.</summary>
    public bool IsOpen => Provider.CircuitState is CircuitState.Open or CircuitState.Isolated;
}
