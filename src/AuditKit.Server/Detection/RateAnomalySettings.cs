namespace AuditKit.Server.Detection;

/// <summary>Settings of the rate-anomaly rule.</summary>
internal sealed class RateAnomalySettings
{
    /// <summary>Whether the rule runs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A minute is anomalous when the user's events in it exceed this many times their average events per minute
    /// over <see cref="BaselineWindow"/> before it.
    /// </summary>
    public double Factor { get; set; } = 10;

    /// <summary>The least events in one minute that can be anomalous, so quiet users never trigger the rule.</summary>
    public int MinimumEventsPerMinute { get; set; } = 100;

    /// <summary>How far back the user's baseline reaches (whole minutes).</summary>
    public TimeSpan BaselineWindow { get; set; } = TimeSpan.FromHours(24);

    public RateAnomalySettings Clone() => (RateAnomalySettings)MemberwiseClone();
}
