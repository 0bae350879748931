using System.Data.Common;

namespace AuditKit.Server.Storage;

/// <summary>
/// <see cref="IRetentionStore"/> for both providers: the statements differ only in how values are written, which the
/// dialect of <see cref="StorageConnections"/> decides.
/// </summary>
internal sealed class RelationalRetentionStore(StorageConnections connections) : IRetentionStore
{
    public async Task<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken)
    {
        var tenants = new List<string>();
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM tenants ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(reader.GetString(0));
        }

        return tenants;
    }

    public Task<int> DeleteEventsAsync(string tenantId, DateTimeOffset cut, int limit, CancellationToken cancellationToken)
    {
        var stored = connections.Dialect.TimeValue(AuditEventRow.ToStoredTime(cut));
        return ExecuteAsync(
            tenantId,
            (command, t) =>
                $"DELETE FROM {AuditDbContext.EventsTable} WHERE tenant_id = {t} AND id IN (" +
                $"SELECT e.id FROM {AuditDbContext.EventsTable} e WHERE e.tenant_id = {t} " +
                $"AND e.timestamp < {DbParameters.Add(command, "@cut", stored)} " +
                $"LIMIT {DbParameters.Add(command, "@n", limit)})",
            cancellationToken);
    }

    public async Task DeleteDerivedAsync(string tenantId, DateTimeOffset cut, CancellationToken cancellationToken)
    {
        // The hourly summary counts follow by themselves: triggers on audit_events subtract what a delete removes. The
        // rules' minutes before the cut held only deleted events; their days likewise, counting only whole days before it.
        var stored = connections.Dialect.TimeValue(AuditEventRow.ToStoredTime(cut));
        await ExecuteAsync(
            tenantId,
            (command, t) => $"DELETE FROM {DetectionModel.UserMinutesTable} WHERE tenant_id = {t} AND minute < {DbParameters.Add(command, "@m", DetectionTime.Minute(cut))}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            tenantId,
            (command, t) => $"DELETE FROM {DetectionModel.UserDaysTable} WHERE tenant_id = {t} AND day < {DbParameters.Add(command, "@d", DetectionTime.Day(cut))}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            tenantId,
            (command, t) =>
                $"DELETE FROM {DetectionModel.AlertsTable} WHERE tenant_id = {t} AND status = {DbParameters.Add(command, "@resolved", (short)AlertStatus.Resolved)} " +
                $"AND last_seen < {DbParameters.Add(command, "@cut", stored)}",
            cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            tenantId,
            (command, t) => $"DELETE FROM {DetectionModel.DeliveriesTable} WHERE tenant_id = {t} AND created_at < {DbParameters.Add(command, "@cut", stored)}",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one statement for <paramref name="tenantId"/> (bound as the returned text's tenant parameter) in its own transaction.</summary>
    private async Task<int> ExecuteAsync(string tenantId, Func<DbCommand, string, string> sql, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var t = DbParameters.Add(command, "@t", tenantId);
        command.CommandText = sql(command, t);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
