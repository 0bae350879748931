namespace AuditKit.Server.Detection;

/// <summary>The rules' names (the <c>rule</c> of an alert), their key types and their one-line titles.</summary>
internal static class AlertRules
{
    public const string BruteForce = "brute_force";
    public const string PasswordSpraying = "password_spraying";
    public const string DistributedAttack = "distributed_attack";
    public const string CompromiseSuspect = "compromise_suspect";
    public const string CriticalBurst = "critical_burst";
    public const string MassDelete = "mass_delete";
    public const string MassExport = "mass_export";
    public const string PrivilegeEscalation = "privilege_escalation";
    public const string NewIp = "new_ip";
    public const string RateAnomaly = "rate_anomaly";

    /// <summary>Key type: the alert is about a client IP address.</summary>
    public const string IpKey = "ip";

    /// <summary>Key type: the alert is about a user id.</summary>
    public const string UserKey = "user";

    /// <summary>Key type: the alert is about the whole tenant (its key is the tenant id).</summary>
    public const string TenantKey = "tenant";

    /// <summary>Every rule name, in the order of the rules.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        BruteForce, PasswordSpraying, DistributedAttack, CompromiseSuspect, CriticalBurst,
        MassDelete, MassExport, PrivilegeEscalation, NewIp, RateAnomaly,
    ];

    /// <summary>A one-line human title of an alert.</summary>
    public static string Title(string rule, string keyType, string key) => rule switch
    {
        BruteForce => $"Brute force: repeated failed logins from {key}",
        PasswordSpraying => $"Password spraying: failed logins for many users from {key}",
        DistributedAttack => $"Distributed attack: failed logins for {key} from many IPs",
        CompromiseSuspect => $"Possible account compromise: {key} logged in after repeated failures",
        CriticalBurst when keyType == TenantKey => "Burst of CRITICAL events in the tenant",
        CriticalBurst => $"Burst of CRITICAL events by {key}",
        MassDelete => $"Mass deletion by {key}",
        MassExport => $"Mass export by {key}",
        PrivilegeEscalation => $"Privilege escalation: {key} was granted rights and used them, or granted them to themselves",
        NewIp => $"New IP address for {key}",
        RateAnomaly => $"Unusual event rate for {key}",
        _ => $"{rule} for {key}",
    };
}
