using AuditKit.Server.Actions;

namespace AuditKit.Server.Storage;

/// <summary>
/// Fills <c>action_canonical</c> of the events stored before the column existed (migration <c>AddCanonicalAction</c>
/// adds it empty). Run at start-up after the migrations, not in a migration, because the vocabulary is the server's
/// code and configuration (a tenant's own aliases), which a migration cannot see. It works in batches of
/// <see cref="BatchSize"/> rows, one (tenant, action) at a time, each batch its own short transaction, so a large table
/// is never locked for long and a stopped start-up resumes where it was. The partial index over the rows still
/// waiting makes finding them free once none is left.
/// </summary>
internal sealed class AuditActionBackfill(StorageConnections connections, ActionVocabulary actions)
{
    /// <summary>The most rows one statement fills.</summary>
    public const int BatchSize = 10_000;

    /// <summary>Fills every row still without a canonical action; returns how many it filled.</summary>
    public Task<long> RunAsync(CancellationToken cancellationToken) => RunAsync(owner: null, cancellationToken);

    /// <summary>
    /// Fills every row still without a canonical action through <paramref name="owner"/> when given (on PostgreSQL
    /// with two roles the runtime role may not update events); returns how many it filled.
    /// </summary>
    public async Task<long> RunAsync(System.Data.Common.DbDataSource? owner, CancellationToken cancellationToken)
    {
        await using var connection = owner is null
            ? await connections.OpenAsync(StorageScope.System, cancellationToken).ConfigureAwait(false)
            : await owner.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var pending = new List<(string TenantId, string Action)>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText =
                $"SELECT DISTINCT e.tenant_id, e.action FROM {AuditDbContext.EventsTable} e WHERE e.{AuditEventColumns.ActionCanonicalColumn} IS NULL";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                pending.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        long filled = 0;
        foreach (var (tenantId, action) in pending)
        {
            await using var update = connection.CreateCommand();
            var column = AuditEventColumns.ActionCanonicalColumn;
            var canonical = DbParameters.Add(update, "@canonical", actions.Canonical(tenantId, action));
            var tenant = DbParameters.Add(update, "@tenant_id", tenantId);
            var raw = DbParameters.Add(update, "@action", action);
            var limit = DbParameters.Add(update, "@limit", BatchSize);
            update.CommandText =
                $"UPDATE {AuditDbContext.EventsTable} SET {column} = {canonical} WHERE tenant_id = {tenant} AND id IN (" +
                $"SELECT e.id FROM {AuditDbContext.EventsTable} e WHERE e.tenant_id = {tenant} AND e.action = {raw} AND e.{column} IS NULL LIMIT {limit})";
            update.CommandTimeout = 0;
            int rows;
            do
            {
                rows = await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                filled += rows;
            }
            while (rows == BatchSize);
        }

        return filled;
    }
}
