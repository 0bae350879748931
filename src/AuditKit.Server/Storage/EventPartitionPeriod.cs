namespace AuditKit.Server.Storage;

/// <summary>The length of one time partition of <c>audit_events</c> on PostgreSQL.</summary>
internal enum EventPartitionPeriod
{
    /// <summary>A calendar month (UTC): few partitions, each dropped whole once the longest retention has passed it.</summary>
    Month,

    /// <summary>A UTC day: retention drops a day at a time, at the cost of thirty times as many partitions.</summary>
    Day,
}
