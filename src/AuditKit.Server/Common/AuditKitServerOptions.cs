namespace AuditKit.Server.Common;

/// <summary>The server's own settings, bound from the <c>AuditKit</c> configuration section.</summary>
internal sealed class AuditKitServerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditKit";

    /// <summary>The shortest bootstrap admin key accepted outside the Development environment.</summary>
    public const int MinimumBootstrapKeyLength = 32;

    /// <summary>
    /// The first admin key: not bound to a tenant, it may only create tenants and their keys. Compared in constant
    /// time. Without one the server starts but no tenant can be created until it is configured.
    /// </summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>The most events one batch request may carry.</summary>
    public int MaxBatchEvents { get; set; } = AuditEventLimits.BatchEvents;

    /// <summary>The largest a batch request body may be, in bytes, after decompression.</summary>
    public int MaxBatchBytes { get; set; } = AuditEventLimits.BatchBytes;

    /// <summary>The largest a single-event request body may be, in bytes, after decompression.</summary>
    public int MaxEventBytes { get; set; } = AuditEventLimits.EventBytes;

    /// <summary>The most events one list page may hold (<c>limit</c>).</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>The page size when a list request names none.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>
    /// Where counting a list's <c>total</c> stops (then <c>total_exact</c> is false), so that a broad filter over
    /// millions of events answers in bounded time; <c>include_total=exact</c> counts every match.
    /// </summary>
    public int TotalCountCap { get; set; } = 10_000;

    /// <summary>The <see cref="MaxClockSkew"/> when none is configured.</summary>
    public static readonly TimeSpan DefaultMaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far ahead of the server's clock a posted <c>timestamp</c> may be (a client's clock runs fast); a later one
    /// is refused, so no record can be dated into the future to sort above everything written after it. Old
    /// timestamps are accepted: a client's spool delivers late.
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = DefaultMaxClockSkew;
}
