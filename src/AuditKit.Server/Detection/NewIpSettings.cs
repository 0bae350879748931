namespace AuditKit.Server.Detection;

/// <summary>Settings of the new-IP rule.</summary>
internal sealed class NewIpSettings
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How many distinct UTC days a user must have been seen on, before the day of the new IP, for the history to count
    /// as established. Users without such a history never trigger the rule.
    /// </summary>
    public int MinimumHistoryDays { get; set; } = 3;

    public NewIpSettings Clone() => (NewIpSettings)MemberwiseClone();
}
