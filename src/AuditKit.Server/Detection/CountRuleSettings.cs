namespace AuditKit.Server.Detection;

/// <summary>A rule that fires when at least <see cref="Threshold"/> matching events fall within <see cref="Window"/>.</summary>
internal sealed class CountRuleSettings
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The least number of events (or distinct users / IPs, for the rules that count those) that fires the rule.</summary>
    public int Threshold { get; set; }

    /// <summary>
    /// How close in event time the events must be: the first and the last of them at most this far apart
    /// (both ends inclusive).
    /// </summary>
    public TimeSpan Window { get; set; }

    public CountRuleSettings Clone() => (CountRuleSettings)MemberwiseClone();
}
