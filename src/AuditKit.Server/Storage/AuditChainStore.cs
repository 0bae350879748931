using System.Runtime.CompilerServices;

namespace AuditKit.Server.Storage;

/// <summary>The chain reads of both providers (plain SQL over <c>audit_events</c> and <c>audit_chain_heads</c>).</summary>
internal sealed class AuditChainStore(StorageConnections connections) : IAuditChainStore
{
    /// <summary>Events per page of <see cref="StreamChainAsync"/>.</summary>
    internal const int PageSize = 500;

    private static readonly string s_page =
        $"SELECT {AuditEventColumns.SelectList} FROM {AuditDbContext.EventsTable} e " +
        $"WHERE e.tenant_id = @tenant_id AND e.seq >= @from AND e.seq <= @to ORDER BY e.seq LIMIT {PageSize}";

    public async Task<(long Seq, byte[] Hash)?> ReadHeadAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, hash FROM {AuditDbContext.ChainHeadsTable} WHERE tenant_id = @tenant_id";
        DbParameters.Add(command, "@tenant_id", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), (byte[])reader.GetValue(1)) : null;
    }

    public async IAsyncEnumerable<(string TenantId, long Seq, byte[] Hash)> ReadHeadsAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Heads are one short row per tenant: read them all, then hand them out with the connection already closed.
        var heads = new List<(string, long, byte[])>();
        await using (var connection = await connections.OpenAsync(StorageScope.System, cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT tenant_id, seq, hash FROM {AuditDbContext.ChainHeadsTable} ORDER BY tenant_id";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                heads.Add((reader.GetString(0), reader.GetInt64(1), (byte[])reader.GetValue(2)));
            }
        }

        foreach (var head in heads)
        {
            yield return head;
        }
    }

    public async Task<(long Seq, byte[]? Hash)?> ReadLinkAsync(string tenantId, long seq, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, hash FROM {AuditDbContext.EventsTable} WHERE tenant_id = @tenant_id AND seq = @seq";
        DbParameters.Add(command, "@tenant_id", tenantId);
        DbParameters.Add(command, "@seq", seq);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (reader.GetInt64(0), reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1))
            : null;
    }

    public async Task<long?> FindOutsideChainAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        await using var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT min(seq) FROM {AuditDbContext.EventsTable} WHERE tenant_id = @tenant_id AND (seq < 1 OR seq > " +
            $"coalesce((SELECT seq FROM {AuditDbContext.ChainHeadsTable} WHERE tenant_id = @tenant_id), 0))";
        DbParameters.Add(command, "@tenant_id", tenantId);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async IAsyncEnumerable<AuditEventRow> StreamChainAsync(
        string tenantId, long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var rows = new List<AuditEventRow>(PageSize);
        var from = fromSeq;
        while (from <= toSeq)
        {
            rows.Clear();
            await using (var connection = await connections.OpenAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false))
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = s_page;
                DbParameters.Add(command, "@tenant_id", tenantId);
                DbParameters.Add(command, "@from", from);
                DbParameters.Add(command, "@to", toSeq);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(AuditEventColumns.ReadRow(reader, connections.Dialect));
                }
            }

            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < PageSize)
            {
                yield break;
            }

            from = rows[^1].Seq + 1;
        }
    }
}
