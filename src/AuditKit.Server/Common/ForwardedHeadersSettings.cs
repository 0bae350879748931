namespace AuditKit.Server.Common;

/// <summary>
/// Which reverse proxies the server believes about the client's address, bound from
/// <c>AuditKit:ForwardedHeaders</c>. Off (both lists empty) by default: then <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are ignored and the client address is the connection's. Only a request whose connection
/// comes from a listed proxy or network has its client address (the one admin records store and per-IP limits
/// count) taken from <c>X-Forwarded-For</c>; from anyone else the header is ignored, so it cannot be spoofed.
/// </summary>
internal sealed class ForwardedHeadersSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AuditKit:ForwardedHeaders";

    /// <summary>IP addresses of the proxies in front of the server (e.g. <c>10.0.0.5</c>).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation (e.g. <c>10.0.0.0/24</c>).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies' entries of <c>X-Forwarded-For</c> are processed, from the right (one per proxy hop).</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Whether any proxy is configured (otherwise forwarded headers are not read at all).</summary>
    public bool IsEnabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}
