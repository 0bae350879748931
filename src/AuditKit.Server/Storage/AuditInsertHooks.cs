namespace AuditKit.Server.Storage;

/// <summary>
/// Work that commits with an insert of audit events, in its transaction (see <see cref="IAuditEventStore.InsertAsync"/>):
/// <see cref="Before"/> runs before the events are written (a change and the audit event that records it commit
/// together), <see cref="Written"/> after, with the ids of the events newly written (another slice's bookkeeping of
/// them, such as the detection outbox, is never left behind by a crash after the commit). When either throws, nothing
/// is stored and the exception reaches the caller.
/// </summary>
internal readonly record struct AuditInsertHooks(AuditTransactionWork? Before = null, AuditWrittenWork? Written = null)
{
    /// <summary>No work alongside the insert.</summary>
    public static AuditInsertHooks None => default;

    /// <summary>Runs <see cref="Before"/>, when there is one, in <paramref name="transaction"/>.</summary>
    public Task RunBeforeAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Before is { } before ? before(connection, transaction, cancellationToken) : Task.CompletedTask;
}

/// <summary>
/// Work done in the transaction that stores audit events, after they are written: <paramref name="written"/> holds
/// the ids of the events newly written (never empty; events already stored are left out).
/// </summary>
internal delegate Task AuditWrittenWork(
    DbConnection connection, DbTransaction transaction, AuditSqlDialect dialect, string tenantId, IReadOnlyCollection<Guid> written,
    CancellationToken cancellationToken);
