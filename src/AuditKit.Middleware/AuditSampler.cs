namespace AuditKit.Middleware;

/// <summary>
/// Decides which successful reads are kept when <see cref="AuditingOptions.SuccessfulReadSampleRate"/> is below 1.
/// The random source is injected so tests can be deterministic.
/// </summary>
internal sealed class AuditSampler
{
    private readonly Func<double> _next;

    public AuditSampler()
        : this(Random.Shared.NextDouble)
    {
    }

    /// <param name="next">Returns a number in [0, 1).</param>
    public AuditSampler(Func<double> next) => _next = next;

    /// <summary>Whether to keep an event, given the share of events to keep.</summary>
    public bool Keep(double rate) => rate >= 1.0 || (rate > 0.0 && _next() < rate);
}
