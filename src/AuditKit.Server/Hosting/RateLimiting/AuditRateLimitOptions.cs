namespace AuditKit.Server.Hosting.RateLimiting;

/// <summary>
/// The server's request limits, bound from <c>AuditKit:RateLimits</c>, so that one key or tenant cannot take the
/// server (its threads, its database connections) from the others. Every value is documented in docs/server.md.
/// </summary>
internal sealed class AuditRateLimitOptions
{
    /// <summary>The configuration section of these options.</summary>
    public const string SectionName = "AuditKit:RateLimits";

    /// <summary>Whether the limits apply (on by default; off only to measure what they cost).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Ingest requests (single or batch) per tenant. The default (burst 1000, 500 per second) is about 50 times
    /// what the ingest benchmark's two senders of 1000-event batches reach on this hardware.
    /// </summary>
    public AuditTokenBucket Ingest { get; set; } = new() { TokenLimit = 1000, TokensPerPeriod = 500 };

    /// <summary>
    /// Short reads (list, get, history, alerts, admin calls) per tenant. The default (burst 1000, 500 per second)
    /// is several times what the query benchmark's one-at-a-time requests reach.
    /// </summary>
    public AuditTokenBucket Read { get; set; } = new() { TokenLimit = 1000, TokensPerPeriod = 500 };

    /// <summary>Long reads (exports, summaries) one API key may run at once.</summary>
    public int LongReadsPerKey { get; set; } = 2;

    /// <summary>Long reads all keys of one tenant may run at once.</summary>
    public int LongReadsPerTenant { get; set; } = 4;

    /// <summary>
    /// Failed authentications (an unknown, revoked or malformed key) per client IP address. Once the bucket is
    /// empty, every request from that address that presents a key is answered 429 without looking the key up,
    /// until tokens come back. Default: 20 at once, 20 more per minute.
    /// </summary>
    public AuditTokenBucket FailedAuthentication { get; set; } =
        new() { TokenLimit = 20, TokensPerPeriod = 20, ReplenishmentPeriod = TimeSpan.FromMinutes(1) };

    /// <summary>Per-tenant values (<c>AuditKit:RateLimits:Tenants:&lt;tenant id&gt;:...</c>), over the defaults above.</summary>
    public Dictionary<string, AuditTenantRateLimits> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The ingest bucket of <paramref name="tenantId"/>.</summary>
    public AuditTokenBucket IngestFor(string tenantId) => Ingest.With(Tenants.GetValueOrDefault(tenantId)?.Ingest);

    /// <summary>The read bucket of <paramref name="tenantId"/>.</summary>
    public AuditTokenBucket ReadFor(string tenantId) => Read.With(Tenants.GetValueOrDefault(tenantId)?.Read);

    /// <summary>The concurrent long reads one key of <paramref name="tenantId"/> may run.</summary>
    public int LongReadsPerKeyFor(string? tenantId) =>
        (tenantId is null ? null : Tenants.GetValueOrDefault(tenantId)?.LongReadsPerKey) ?? LongReadsPerKey;

    /// <summary>The concurrent long reads <paramref name="tenantId"/> may run.</summary>
    public int LongReadsPerTenantFor(string tenantId) => Tenants.GetValueOrDefault(tenantId)?.LongReadsPerTenant ?? LongReadsPerTenant;
}

/// <summary>One tenant's limits where they differ from the defaults; unset values keep the defaults.</summary>
internal sealed class AuditTenantRateLimits
{
    public AuditTokenBucketOverride? Ingest { get; set; }

    public AuditTokenBucketOverride? Read { get; set; }

    public int? LongReadsPerKey { get; set; }

    public int? LongReadsPerTenant { get; set; }
}
