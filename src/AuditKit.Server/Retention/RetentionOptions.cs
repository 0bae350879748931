namespace AuditKit.Server.Retention;

/// <summary>
/// How long stored events are kept, bound from <c>AuditKit:Retention</c>: globally under <c>Days</c>, per tenant under
/// <c>Tenants:{tenant id}:Days</c>.
/// </summary>
internal sealed class RetentionOptions
{
    /// <summary>The configuration section of these options.</summary>
    public const string SectionName = "AuditKit:Retention";

    /// <summary>
    /// Events whose timestamp is older than this many days are deleted, with what is derived from them (summary
    /// counts, rule state, resolved alerts, webhook deliveries). 0 keeps everything.
    /// </summary>
    public int Days { get; set; } = 365;

    /// <summary>Per-tenant retention, overriding <see cref="Days"/> (0 keeps the tenant's events).</summary>
    public Dictionary<string, TenantRetention> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often the retention job runs (it also runs once at start-up).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most events one statement deletes: a large backlog is deleted in short transactions, so ingest and queries
    /// are never held behind one long delete.
    /// </summary>
    public int BatchSize { get; set; } = 10_000;

    /// <summary>The retention of <paramref name="tenantId"/>, in days (0: kept).</summary>
    public int DaysFor(string tenantId) => Tenants.TryGetValue(tenantId, out var tenant) && tenant.Days is { } days ? days : Days;
}

/// <summary>A tenant's retention.</summary>
internal sealed class TenantRetention
{
    /// <summary>Days the tenant's events are kept (0: kept); unset, the global value applies.</summary>
    public int? Days { get; set; }
}
