namespace AuditKit.Server.Storage;

/// <summary>
/// One row of <c>retention_cuts</c>: what one retention delete removed from a tenant's chain. Written in the same
/// transaction as the delete (on PostgreSQL by the SECURITY DEFINER function <c>auditkit_retention_cut</c>, the runtime
/// role's only way to delete events), so the record of a cut cannot be skipped by the server.
/// </summary>
internal sealed class RetentionCutRow
{
    /// <summary>The cut's number in its tenant: 1 for the tenant's first cut, then one more for each.</summary>
    public long Id { get; set; }

    public required string TenantId { get; set; }

    /// <summary>When the delete ran (the database's clock on PostgreSQL).</summary>
    public DateTimeOffset CutAt { get; set; }

    /// <summary>The retention cut: events stored with a <c>timestamp</c> before it were deleted.</summary>
    public DateTimeOffset Before { get; set; }

    public long DeletedEvents { get; set; }

    /// <summary>The highest seq deleted.</summary>
    public long? LastSeq { get; set; }

    /// <summary>The chain hash of the event <see cref="LastSeq"/> (32 bytes; null for an event from before the chain).</summary>
    public byte[]? LastHash { get; set; }

    /// <summary>The database role that ran the delete (PostgreSQL's <c>session_user</c>; the server on SQLite).</summary>
    public required string PerformedBy { get; set; }
}
