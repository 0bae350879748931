namespace AuditKit.Server.Storage;

/// <summary>A tenant's webhooks, the outbox of their deliveries and the delivery log.</summary>
internal interface IWebhookStore
{
    /// <summary>Stores a webhook in <paramref name="transaction"/> (that of the audit event recording its creation).</summary>
    Task CreateAsync(WebhookRow webhook, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>The tenant's webhooks, oldest first.</summary>
    Task<IReadOnlyList<WebhookRow>> ListAsync(string tenantId, CancellationToken cancellationToken);

    Task<WebhookRow?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the webhook in <paramref name="transaction"/> (that of the audit event recording it); false when there is
    /// no such webhook. Its deliveries stay in the log, and pending ones fail when their turn comes.
    /// </summary>
    Task<bool> DeleteAsync(string tenantId, Guid id, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>One page of the tenant's deliveries, newest first, and how many match in all.</summary>
    Task<(IReadOnlyList<WebhookDeliveryRow> Items, long Total)> ListDeliveriesAsync(
        string tenantId, Guid? webhookId, WebhookDeliveryStatus? status, int limit, int offset, CancellationToken cancellationToken);

    /// <summary>
    /// Queues, in <paramref name="transaction"/> (the detection pass that raised the alerts), a delivery of each of
    /// <paramref name="raised"/> to each of the tenant's webhooks whose minimum severity it reaches: an alert is never
    /// raised without its deliveries, nor delivered without existing. Returns how many were queued.
    /// </summary>
    Task<int> EnqueueDeliveriesAsync(
        DbTransaction transaction, string tenantId, IReadOnlyList<RaisedAlert> raised, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Claims at most <paramref name="limit"/> pending deliveries due at <paramref name="now"/>, oldest due first, for
    /// <paramref name="lease"/>: several server processes share the work without sending a delivery twice (rows
    /// another process is claiming are skipped on PostgreSQL; a delivery whose lease ran out is claimed again).
    /// </summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimDueDeliveriesAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken);

    /// <summary>Records the outcome of a claimed delivery (delivered or failed after <paramref name="attempts"/> more attempts) and releases its claim.</summary>
    Task CompleteDeliveryAsync(
        ClaimedDelivery delivery, bool delivered, int attempts, int? responseStatus, string? error, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>A newly raised alert, as its deliveries are queued.</summary>
internal readonly record struct RaisedAlert(Guid Id, AuditSeverity Severity);

/// <summary>A delivery the dispatcher claimed and is to send.</summary>
internal sealed record ClaimedDelivery(string TenantId, Guid Id, Guid WebhookId, Guid AlertId, string Url, int Attempts);
