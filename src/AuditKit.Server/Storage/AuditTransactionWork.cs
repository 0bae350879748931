namespace AuditKit.Server.Storage;

/// <summary>
/// Work done in the transaction that stores audit events, before they are written (see
/// <see cref="AuditInsertHooks.Before"/>): a change and the audit event that records it commit together. When it
/// throws, nothing is stored and the exception reaches the caller.
/// </summary>
internal delegate Task AuditTransactionWork(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);
