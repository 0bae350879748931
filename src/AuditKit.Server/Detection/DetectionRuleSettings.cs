namespace AuditKit.Server.Detection;

/// <summary>
/// The thresholds of every rule: the global set (<c>AuditKit:Detection:Rules</c>) and, per tenant, the global set
/// with the values that tenant overrides (<c>AuditKit:Detection:Tenants:{tenant}</c>).
/// </summary>
internal sealed class DetectionRuleSettings
{
    /// <summary>Rule 1: failed logins from one IP.</summary>
    public CountRuleSettings BruteForce { get; set; } = new() { Threshold = 5, Window = TimeSpan.FromMinutes(5) };

    /// <summary>Rule 2: failed logins for distinct users from one IP.</summary>
    public CountRuleSettings PasswordSpraying { get; set; } = new() { Threshold = 10, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Rule 3: failed logins for one user from distinct IPs.</summary>
    public CountRuleSettings DistributedAttack { get; set; } = new() { Threshold = 5, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Rule 4: a successful login after this many failed logins for the user within the window before it.</summary>
    public CountRuleSettings CompromiseSuspect { get; set; } = new() { Threshold = 5, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Rule 5: CRITICAL events for the tenant, and separately for one user.</summary>
    public CountRuleSettings CriticalBurst { get; set; } = new() { Threshold = 10, Window = TimeSpan.FromMinutes(5) };

    /// <summary>Rule 6: DELETE events by one user.</summary>
    public CountRuleSettings MassDelete { get; set; } = new() { Threshold = 50, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Rule 6: EXPORT events by one user.</summary>
    public CountRuleSettings MassExport { get; set; } = new() { Threshold = 20, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Rule 7: self-grants, and grantees acting with HIGH or CRITICAL severity soon after a grant.</summary>
    public PrivilegeEscalationSettings PrivilegeEscalation { get; set; } = new();

    /// <summary>Rule 8: a user with an established history seen from an IP never seen for them before.</summary>
    public NewIpSettings NewIp { get; set; } = new();

    /// <summary>Rule 9: a user's events per minute far above their own baseline.</summary>
    public RateAnomalySettings RateAnomaly { get; set; } = new();

    public DetectionRuleSettings Clone() => new()
    {
        BruteForce = BruteForce.Clone(),
        PasswordSpraying = PasswordSpraying.Clone(),
        DistributedAttack = DistributedAttack.Clone(),
        CompromiseSuspect = CompromiseSuspect.Clone(),
        CriticalBurst = CriticalBurst.Clone(),
        MassDelete = MassDelete.Clone(),
        MassExport = MassExport.Clone(),
        PrivilegeEscalation = PrivilegeEscalation.Clone(),
        NewIp = NewIp.Clone(),
        RateAnomaly = RateAnomaly.Clone(),
    };

    /// <summary>The count rules by their configuration names, for validation.</summary>
    public IEnumerable<(string Name, CountRuleSettings Settings)> CountRules()
    {
        yield return (nameof(BruteForce), BruteForce);
        yield return (nameof(PasswordSpraying), PasswordSpraying);
        yield return (nameof(DistributedAttack), DistributedAttack);
        yield return (nameof(CompromiseSuspect), CompromiseSuspect);
        yield return (nameof(CriticalBurst), CriticalBurst);
        yield return (nameof(MassDelete), MassDelete);
        yield return (nameof(MassExport), MassExport);
    }
}
