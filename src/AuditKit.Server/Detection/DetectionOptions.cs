namespace AuditKit.Server.Detection;

/// <summary>
/// Suspicious-activity detection, bound from <c>AuditKit:Detection</c>. Rule thresholds are set globally under
/// <c>Rules</c> and overridden per tenant under <c>Tenants:{tenant id}</c> (only the values given there change).
/// </summary>
internal sealed class DetectionOptions
{
    /// <summary>The configuration section of these options.</summary>
    public const string SectionName = "AuditKit:Detection";

    /// <summary>Whether stored events are evaluated at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The most event ids an alert keeps as evidence (the newest ones).</summary>
    public int EvidenceLimit { get; set; } = 20;

    /// <summary>
    /// How many stored batches may wait for evaluation. When it is full, ingest waits for room, so detection slows
    /// ingest down instead of falling behind without bound.
    /// </summary>
    public int QueueCapacity { get; set; } = 512;

    /// <summary>The most events one evaluation pass takes from the queue (passes coalesce the batches waiting).</summary>
    public int MaxEventsPerPass { get; set; } = 20_000;

    /// <summary>
    /// The least time between the starts of two passes over large batches. Under load, batches arrive faster than
    /// they are evaluated, and each pass reads and writes the state of every user and IP among its events, whatever
    /// their number: passes paced this far apart take the batches that arrived meanwhile together, so that state is
    /// touched once per interval instead of once per batch. A large batch arriving after a quiet interval is evaluated
    /// at once, small batches (<see cref="SmallBatchEvents"/>) are never held, and neither is a pass that is already
    /// full (<see cref="MaxEventsPerPass"/>). Zero evaluates each batch as soon as the previous pass ends.
    /// </summary>
    public TimeSpan PassInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Batches of at most this many events wait in a lane of the queue that is evaluated before every pass over larger
    /// batches, so a few events (a burst of failed logins from a small application) do not wait behind a backlog of
    /// thousands. 0 turns this off.
    /// </summary>
    public int SmallBatchEvents { get; set; } = 100;

    /// <summary>
    /// How old a batch left in the outbox must be before a sweep evaluates it: longer than a running process normally
    /// takes to evaluate its own batches, so a sweep only picks up what a stopped process left behind.
    /// </summary>
    public TimeSpan SweepGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each process sweeps the outbox (it also sweeps once at start-up).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a sweep holds the batches it claimed; a batch whose evaluation failed is tried again once this has
    /// passed.
    /// </summary>
    public TimeSpan SweepClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The global rule thresholds.</summary>
    public DetectionRuleSettings Rules { get; set; } = new();

    /// <summary>Per-tenant thresholds: the global ones with the tenant's overrides applied.</summary>
    public Dictionary<string, DetectionRuleSettings> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The thresholds in force for <paramref name="tenantId"/>.</summary>
    public DetectionRuleSettings For(string tenantId) => Tenants.TryGetValue(tenantId, out var settings) ? settings : Rules;
}
