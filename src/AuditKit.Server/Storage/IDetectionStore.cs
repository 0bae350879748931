namespace AuditKit.Server.Storage;

/// <summary>
/// Detection's stored state: the passes over a tenant's newly stored events (see <see cref="DetectionSession"/>) and
/// the sweep of the outbox batches a stopped process or a failed pass left behind. The outbox row of a batch is
/// written with its events, by the insert hook of <see cref="DetectionOutbox.Record"/>.
/// </summary>
internal interface IDetectionStore
{
    /// <summary>
    /// Opens a pass's transaction and takes the tenant's detection lock in it, so passes of one tenant, in any server
    /// process, run one after the other and each sees everything committed before it.
    /// </summary>
    Task<DetectionSession> BeginPassAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims, for <paramref name="lease"/>, at most <paramref name="limit"/> outbox batches stored at least
    /// <paramref name="gracePeriod"/> before <paramref name="now"/> and not claimed by another sweep, oldest first.
    /// </summary>
    Task<IReadOnlyList<ClaimedBatch>> ClaimDueBatchesAsync(
        DateTimeOffset now, TimeSpan gracePeriod, TimeSpan lease, int limit, CancellationToken cancellationToken);

    /// <summary>Records that a claimed batch failed <paramref name="attempts"/> times and holds it back until <paramref name="until"/>.</summary>
    Task PostponeBatchAsync(ClaimedBatch batch, int attempts, DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>An outbox batch a sweep claimed.</summary>
internal sealed record ClaimedBatch(string TenantId, Guid Id, int EventCount, DateTimeOffset CreatedAt, int Attempts);
