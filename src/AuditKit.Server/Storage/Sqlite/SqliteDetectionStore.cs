namespace AuditKit.Server.Storage.Sqlite;

/// <summary>Detection's stored state on SQLite.</summary>
internal sealed class SqliteDetectionStore(StorageConnections connections) : RelationalDetectionStore(connections)
{
    protected override DetectionSession CreateSession(DbConnection connection, DbTransaction transaction, string tenantId) =>
        new SqliteDetectionSession(connection, transaction, tenantId);
}
