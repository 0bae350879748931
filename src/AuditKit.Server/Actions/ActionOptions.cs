namespace AuditKit.Server.Actions;

/// <summary>
/// Aliases added to the built-in action vocabulary (<c>AuditKit:Actions</c>): <c>Aliases:{alias}</c> for every
/// tenant, <c>Tenants:{tenant id}:Aliases:{alias}</c> for one; each value names a canonical action. A tenant's alias
/// wins over a global one, and both over the built-in table.
/// </summary>
internal sealed class ActionOptions
{
    public const string SectionName = "AuditKit:Actions";

    /// <summary>Alias to canonical action, for every tenant.</summary>
    public Dictionary<string, string> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per tenant id, its own aliases.</summary>
    public Dictionary<string, TenantActionOptions> Tenants { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One tenant's additions to the action vocabulary (<c>AuditKit:Actions:Tenants:{tenant id}</c>).</summary>
internal sealed class TenantActionOptions
{
    /// <summary>Alias to canonical action, for this tenant only.</summary>
    public Dictionary<string, string> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
