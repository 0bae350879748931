namespace AuditKit.Server.Detection;

/// <summary>Settings of the privilege-escalation rule.</summary>
internal sealed class PrivilegeEscalationSettings
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long after a grant the grantee's HIGH or CRITICAL actions are suspicious.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    public PrivilegeEscalationSettings Clone() => (PrivilegeEscalationSettings)MemberwiseClone();
}
