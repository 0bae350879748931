namespace AuditKit.Server.Common;

/// <summary>
/// The names of the server's rate limiting policies, for <c>.RequireRateLimiting(...)</c> on an endpoint: what it
/// costs decides which limit it counts against (docs/server.md, "Limits").
/// </summary>
internal static class AuditKitRateLimitPolicies
{
    /// <summary>Event ingest: a token bucket per tenant.</summary>
    public const string Ingest = "ingest";

    /// <summary>Short reads and admin calls: a token bucket per tenant (per key for the bootstrap admin key).</summary>
    public const string Read = "read";

    /// <summary>Reads that may run long (exports, summaries): concurrency limits per key and per tenant.</summary>
    public const string LongRead = "long-read";
}
