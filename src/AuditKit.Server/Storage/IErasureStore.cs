namespace AuditKit.Server.Storage;

/// <summary>
/// Erasure of a person's values from a tenant's stored events (GDPR art. 17) that keeps the chain verifiable: the
/// personal fields' digests are kept in <c>personal_digests</c> (which the canonical form then uses), the values and
/// the event's salt are set to NULL, and nothing else of the event changes. Each call is its own short transaction.
/// </summary>
internal interface IErasureStore
{
    /// <summary>
    /// Erases at most <paramref name="limit"/> of the tenant's events whose <c>user_id</c> is <paramref name="subject"/>
    /// (in no set order: the index on the user leads): <c>user_id</c>, <c>username</c>, <c>user_email</c>, <c>ip_address</c>, <c>user_agent</c> and
    /// <c>salt</c> become NULL, their digests are kept. Returns how many; 0 when none is left.
    /// </summary>
    Task<int> EraseEventsAsync(string tenantId, string subject, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes what the detection rules keep about <paramref name="subject"/> (the IPs, days and minutes it was seen) and
    /// the alerts keyed by it.
    /// </summary>
    Task EraseDerivedAsync(string tenantId, string subject, CancellationToken cancellationToken);
}
