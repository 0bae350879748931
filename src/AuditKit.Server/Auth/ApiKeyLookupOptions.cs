namespace AuditKit.Server.Auth;

/// <summary>How API key lookups are cached (section <c>AuditKit:Keys</c>).</summary>
internal sealed class ApiKeyLookupOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditKit:Keys";

    /// <summary>Whether live keys found by hash are kept in memory instead of looked up on every request.</summary>
    public bool Cache { get; set; } = true;

    /// <summary>
    /// How often at most each server process asks the database whether the key set changed (a key created, revoked,
    /// or a tenant's access taken from it), dropping its cache when it did: a change made on any process is seen
    /// by every process within this time. The process that makes a change drops its own cache at once.
    /// </summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most keys one process keeps; past it the cache starts over (only live keys are cached).</summary>
    public int CacheSize { get; set; } = 10_000;
}
