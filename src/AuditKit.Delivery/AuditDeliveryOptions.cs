namespace AuditKit.Delivery;

/// <summary>
/// Tuning of the delivery pipeline: channel → batcher → sender (timeout, retry, circuit breaker) → server, with a
/// durable spool for what cannot be sent. Bound from configuration section <c>AuditKit:Delivery</c>; the defaults
/// suit a typical web application.
/// </summary>
public sealed class AuditDeliveryOptions
{
    /// <summary>How many events may wait in memory before <see cref="IAuditSink.TryWrite"/> refuses (and counts) new ones.</summary>
    public int ChannelCapacity { get; set; } = 10_000;

    /// <summary>The most events one batch carries (the server accepts at most <see cref="AuditEventLimits.BatchEvents"/>).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>The most uncompressed JSON bytes one batch carries (the server accepts at most <see cref="AuditEventLimits.BatchBytes"/>).</summary>
    public int BatchBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a batch waits for more events after its first one before it is sent anyway.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many batches may be in flight to the server at once.</summary>
    public int MaxConcurrentBatches { get; set; } = 2;

    /// <summary>The timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The timeout of one batch across all its attempts and retry delays.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times a failed attempt is retried (timeouts, connection failures, 408, 429 and 5xx).</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay; later ones grow exponentially, with jitter. A <c>Retry-After</c> header wins.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of failed attempts within <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>How many attempts the sampling window must hold before the circuit may open.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The window over which failures are counted; at least twice <see cref="AttemptTimeout"/>.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open (batches are spooled, not sent) before one is let through to probe.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long sending pauses after the server answered 401 or 403 (the key is wrong or lacks the ingest role).</summary>
    public TimeSpan AuthFailurePause { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most bytes the spool may hold on disk; when reached, the oldest spooled batches are dropped and counted.</summary>
    public long SpoolMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The size at which a spool segment file is closed and a new one started.</summary>
    public long SpoolSegmentBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// Whether each batch is written to the spool before it is sent (<see cref="AuditDeliveryDurability.WriteAhead"/>,
    /// the default: a crash loses at most the last <see cref="Linger"/>) or only when it cannot be sent
    /// (<see cref="AuditDeliveryDurability.Memory"/>).
    /// </summary>
    public AuditDeliveryDurability Durability { get; set; } = AuditDeliveryDurability.WriteAhead;

    /// <summary>When spooled data is forced to disk.</summary>
    public AuditSpoolFsync SpoolFsync { get; set; } = AuditSpoolFsync.EveryWrite;

    /// <summary>
    /// On shutdown, how long queued and in-flight batches may still be sent; what is left after it is spooled and
    /// replayed at the next start.
    /// </summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
