namespace AuditKit.Server.Storage;

/// <summary>
/// One row of <c>audit_chain_heads</c>: a tenant's last chained event. Inserts lock it (PostgreSQL: <c>FOR UPDATE</c>)
/// for the length of their transaction, so a tenant's events are numbered in commit order; other tenants' rows are
/// not touched, so tenants never wait for each other.
/// </summary>
internal sealed class AuditChainHeadRow
{
    public required string TenantId { get; set; }

    /// <summary>The seq of the tenant's last event (0 before the first).</summary>
    public long Seq { get; set; }

    /// <summary>The hash of that event (32 zero bytes before the first).</summary>
    public required byte[] Hash { get; set; }
}
