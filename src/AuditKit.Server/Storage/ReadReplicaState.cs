namespace AuditKit.Server.Storage;

/// <summary>What the last check of the read replica found.</summary>
internal enum ReadReplicaState
{
    /// <summary>A standby within the staleness bound: reads go to it.</summary>
    Fresh,

    /// <summary>Could not be reached (refused, timed out, failed): reads go to the primary.</summary>
    Unreachable,

    /// <summary>Further behind the primary than the staleness bound, or by an amount it cannot tell: reads go to the primary.</summary>
    Lagging,

    /// <summary>Answers but is not in recovery (promoted, or not a standby at all): reads go to the primary.</summary>
    NotStandby,
}
