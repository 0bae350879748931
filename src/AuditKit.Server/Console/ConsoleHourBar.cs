namespace AuditKit.Server.Console;

/// <summary>One hour of the Overview's events-per-hour chart: the events of each severity in that hour.</summary>
internal sealed record ConsoleHourBar(DateTimeOffset Start, long Low, long Medium, long High, long Critical)
{
    public long Total => Low + Medium + High + Critical;

    /// <summary>The stacked parts, bottom up: the severity's name and count.</summary>
    public IEnumerable<(string Severity, long Count)> Parts =>
        [("LOW", Low), ("MEDIUM", Medium), ("HIGH", High), ("CRITICAL", Critical)];
}
