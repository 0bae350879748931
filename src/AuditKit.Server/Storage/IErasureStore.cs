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

    /// <summary>
    /// <paramref name="subject"/> and the distinct usernames, emails and IP addresses stored with the tenant's events of
    /// that <c>user_id</c>: the values an erasure removes from the JSON fields. Read before the columns are erased.
    /// </summary>
    Task<IReadOnlyList<string>> SubjectValuesAsync(string tenantId, string subject, CancellationToken cancellationToken);

    /// <summary>
    /// Rewrites the JSON fields (<c>metadata</c>, <c>old_values</c>, <c>new_values</c>, <c>changes</c>) of the next at
    /// most <paramref name="limit"/> events after <paramref name="afterSeq"/> (by seq) whose text contains one of
    /// <paramref name="needles"/> (<see cref="ErasureJson"/>) and records, in the same transaction, an unsigned
    /// <c>erasure_anchors</c> row of <paramref name="erasureId"/> with the stored hash of each chained event it changed.
    /// Returns the highest seq looked at, where the next call resumes; null when none is left.
    /// </summary>
    Task<long?> EraseJsonAsync(string tenantId, Guid erasureId, IReadOnlyList<string> needles, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The anchors of <paramref name="erasureId"/> not signed yet, by seq.</summary>
    Task<IReadOnlyList<ErasureAnchorRow>> UnsignedAnchorsAsync(string tenantId, Guid erasureId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the rewritten hash and the signature of each of <paramref name="anchors"/> (anchors not signed yet), in one
    /// transaction.
    /// </summary>
    Task SignAnchorsAsync(IReadOnlyList<ErasureAnchorRow> anchors, CancellationToken cancellationToken);

    /// <summary>The tenant's signed anchors with <paramref name="fromSeq"/> ≤ seq ≤ <paramref name="toSeq"/>, by seq.</summary>
    Task<IReadOnlyList<ErasureAnchorRow>> SignedAnchorsAsync(string tenantId, long fromSeq, long toSeq, CancellationToken cancellationToken);
}
