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
    /// <paramref name="hooks"/> run in the same transaction: <see cref="AuditInsertHooks.Before"/> before the events
    /// are written (again, if the transaction is retried; at least one event must then be given, to record it), and
    /// <see cref="AuditInsertHooks.Written"/> after, when at least one event is new.
    /// </summary>
    /// <returns>One outcome per event, in the order given.</returns>
    Task<IReadOnlyList<AuditInsertOutcome>> InsertAsync(
        string tenantId, IReadOnlyList<AuditEvent> events, DateTimeOffset receivedAt, AuditInsertHooks hooks, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="InsertAsync"/>, answering with each event's place in the tenant's chain: new events get the next
    /// seqs in order (in the same transaction, after the tenant's last committed event); duplicates answer the seq and
    /// hash stored before.
    /// </summary>
    Task<IReadOnlyList<AuditInsertResult>> InsertLinkedAsync(
        string tenantId, IReadOnlyList<AuditEvent> events, DateTimeOffset receivedAt, AuditInsertHooks hooks, CancellationToken cancellationToken);

    /// <summary>The event with <paramref name="id"/> in <paramref name="tenantId"/>, or <see langword="null"/>.</summary>
    Task<AuditEvent?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken);

    /// <summary>One page of the tenant's events matching <paramref name="query"/>.</summary>
    Task<AuditEventPage> QueryAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Every event of the tenant matching <paramref name="query"/>'s filters, in its order, read from the database as
    /// the caller enumerates, one keyset page at a time: at most one page is buffered, so an export of millions of
    /// events runs in flat memory, and no connection is held while the caller is busy with the rows (a slow export
    /// client cannot pin the pool). Events inserted while a stream runs may appear in it if they sort after the
    /// rows already handed out. Paging (limit, offset, cursor) and the total are ignored.
    /// </summary>
    IAsyncEnumerable<AuditEvent> StreamAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The same events as <see cref="StreamAsync"/>, as stored: JSON fields are the stored JSON text, not parsed. For
    /// exports, which write every event out again and would otherwise parse and re-serialize its JSON for nothing.
    /// </summary>
    IAsyncEnumerable<AuditEventRow> StreamRowsAsync(string tenantId, AuditEventQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The tenant's events matching <paramref name="query"/> grouped by <paramref name="field"/> (events without a
    /// value are left out), with count, first and last seen; one page (<see cref="AuditEventQuery.Limit"/>,
    /// <see cref="AuditEventQuery.Offset"/>) in <paramref name="order"/>, and how many groups there are.
    /// </summary>
    Task<AuditEventGroupPage> GroupAsync(
        string tenantId, AuditEventQuery query, AuditGroupField field, AuditGroupOrder order, CancellationToken cancellationToken);

    /// <summary>
    /// Counts of the tenant's events matching <paramref name="query"/> (whose <see cref="AuditEventQuery.From"/> and
    /// <see cref="AuditEventQuery.To"/> must be set: they bound the time buckets), in <paramref name="bucket"/>s, naming
    /// the <paramref name="top"/> most active users and IP addresses (with 0, none: no user or IP list is counted, which
    /// lets a summary on the hourly rollup's columns come from the rollup alone): see <see cref="AuditSummary"/>.
    /// </summary>
    Task<AuditSummary> SummarizeAsync(
        string tenantId, AuditEventQuery query, AuditTimeBucket bucket, int top, CancellationToken cancellationToken);

    /// <summary>Whether the store answers (for <c>/health/ready</c>).</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}
