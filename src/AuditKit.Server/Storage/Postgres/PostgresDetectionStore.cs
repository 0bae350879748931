namespace AuditKit.Server.Storage.Postgres;

/// <summary>Detection's stored state on PostgreSQL.</summary>
internal sealed class PostgresDetectionStore(StorageConnections connections) : RelationalDetectionStore(connections)
{
    protected override DetectionSession CreateSession(DbConnection connection, DbTransaction transaction, string tenantId) =>
        new PostgresDetectionSession(connection, transaction, tenantId);
}
