using Npgsql;

namespace AuditKit.Server.Storage.Postgres;

/// <summary>
/// Loads large amounts of events into PostgreSQL as fast as it takes them (the demo data of the <c>seed</c> command):
/// binary COPY straight into the events table, one batch per transaction, without the store's duplicate check. Each
/// batch locks the chain heads of its tenants (in tenant order, so parallel batches cannot deadlock) and links its rows
/// after them, as the store does. With two roles configured it runs as the owner (<c>ConnectionStrings:AuditKitMigrations</c>):
/// PostgreSQL refuses <c>COPY FROM</c> into a table under row-level security for the runtime role, and only the owner
/// may <c>VACUUM</c>; the owner is not subject to the tenant policies (docs/security.md).
/// </summary>
internal sealed class PostgresBulkLoad(NpgsqlDataSource dataSource, bool ownsDataSource = false) : IAsyncDisposable
{
    private static readonly string s_copySql = $"COPY {AuditDbContext.EventsTable} ({AuditEventColumns.List}) FROM STDIN (FORMAT BINARY)";

    /// <summary>Writes <paramref name="batch"/> in one transaction on a connection of its own (so batches can be loaded in parallel).</summary>
    public async Task CopyAsync(IReadOnlyList<AuditEventRow> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var tenants = batch.GroupBy(static r => r.TenantId, StringComparer.Ordinal).OrderBy(static g => g.Key, StringComparer.Ordinal)
            .Select(static g => (TenantId: g.Key, Chain: AuditChainBatch.Prepare([.. g])))
            .ToList();

        // A batch holds several tenants' events: seeding is cross-tenant work.
        await using var connection = await StorageConnections.OpenPostgresAsync(dataSource, StorageScope.System, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var heads = new List<(string TenantId, (long Seq, byte[] Hash) Head)>();
        foreach (var (tenantId, chain) in tenants)
        {
            var head = await AuditChain.LockHeadAsync(connection, transaction, PostgresSqlDialect.Instance, tenantId, cancellationToken).ConfigureAwait(false);
            heads.Add((tenantId, chain.Link(head)));
        }

        await using (var importer = await connection.BeginBinaryImportAsync(s_copySql, cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in batch)
            {
                await PostgresAuditEventStore.WriteRowAsync(importer, row, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (tenantId, head) in heads)
        {
            await AuditChain.SaveHeadAsync(connection, transaction, tenantId, head, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fresh statistics for the planner and a set visibility map, so counts can be index-only scans.</summary>
    public async Task AnalyzeAsync(CancellationToken cancellationToken)
    {
        await using var vacuum = dataSource.CreateCommand($"VACUUM (ANALYZE) {AuditDbContext.EventsTable}, {AuditDbContext.HourlyTable}");
        vacuum.CommandTimeout = 0;
        await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ownsDataSource ? dataSource.DisposeAsync() : ValueTask.CompletedTask;
}
