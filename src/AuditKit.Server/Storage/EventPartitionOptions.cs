namespace AuditKit.Server.Storage;

/// <summary>
/// The time partitions of <c>audit_events</c> on PostgreSQL, bound from <c>AuditKit:Storage:Partitions</c> (SQLite has
/// none). The retention job creates them ahead, at start-up and every interval; the default partition takes whatever
/// no partition covers, so ingest never waits for one (docs/scaling.md, "Time partitions").
/// </summary>
internal sealed class EventPartitionOptions
{
    /// <summary>The configuration section of these options.</summary>
    public const string SectionName = AuditStorageOptions.SectionName + ":Partitions";

    /// <summary>The longest <see cref="Ahead"/>.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(3_660);

    /// <summary>The length of a partition: <c>Month</c> (default) or <c>Day</c>.</summary>
    public EventPartitionPeriod Period { get; set; } = EventPartitionPeriod.Month;

    /// <summary>How far past the current time partitions are created (at least two periods' worth is sensible).</summary>
    public TimeSpan Ahead { get; set; } = TimeSpan.FromDays(92);
}
