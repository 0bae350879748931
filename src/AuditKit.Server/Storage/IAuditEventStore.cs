namespace AuditKit.Server.Storage;

/// <summary>
/// Tenant-scoped storage of audit events. Every method takes the tenant explicitly: there is no way to read or write
/// across tenants through this contract. Implemented for PostgreSQL and SQLite; one contract test suite runs
/// against both.
/// </summary>
internal interface IAuditEventStore
{
    /// <summary>
    /// Stores <paramref name="events"/> (already validated, <see cref="AuditEvent.TenantId"/> ignored) for
    /// <paramref name="tenantId"/> in one transaction: either every new event is stored or none is. Events whose
    /// (tenant, id) is already stored — or that repeat an id earlier in the same list — are not stored again.
    /// </summary>
    /// <returns>One outcome per event, in the order given.</returns>
    Task<IReadOnlyList<AuditInsertOutcome>> InsertAsync(
        string tenantId, IReadOnlyList<AuditEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>The event with <paramref name="id"/> in <paramref name="tenantId"/>, or <see langword="null"/>.</summary>
    Task<AuditEvent?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken);

    /// <summary>One page of the tenant's events matching <paramref name="query"/>.</summary>
    Task<AuditEventPage> QueryAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken);

    /// <summary>Whether the store answers (for <c>/health/ready</c>).</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}
