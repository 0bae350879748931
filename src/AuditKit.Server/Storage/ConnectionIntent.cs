namespace AuditKit.Server.Storage;

/// <summary>What a connection is opened for, which decides where it goes when a read replica is configured.</summary>
internal enum ConnectionIntent
{
    /// <summary>
    /// Writes, and reads that must see what was just written (ingest answers and dedup, the chain, alerts and their
    /// triage, admin, detection, integrity verification): always the primary.
    /// </summary>
    Primary,

    /// <summary>
    /// A read that may be answered up to <c>AuditKit:Storage:ReadReplicaMaxLag</c> behind the primary (lists,
    /// searches, counts, summaries, groups, exports): the read replica when one is configured and fresh enough.
    /// </summary>
    Read,
}
