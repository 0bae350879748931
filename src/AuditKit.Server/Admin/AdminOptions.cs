namespace AuditKit.Server.Admin;

/// <summary>What tenant admin keys may do (section <c>AuditKit:Admin</c>).</summary>
internal sealed class AdminOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditKit:Admin";

    /// <summary>
    /// Whether a tenant's admin key may create further admin keys for its tenant. Off by default: a leaked admin key
    /// could otherwise mint admin keys that survive its own revocation. The bootstrap admin key always may.
    /// </summary>
    public bool TenantAdminsMayCreateAdminKeys { get; set; }
}
