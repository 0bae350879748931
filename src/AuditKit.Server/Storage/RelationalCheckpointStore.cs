namespace AuditKit.Server.Storage;

/// <summary>
/// <see cref="ICheckpointStore"/> for both providers: reads through EF Core, the insert as one
/// <c>INSERT … ON CONFLICT DO NOTHING</c> (both providers' syntax) so that a lost race is an answer, not an error.
/// </summary>
internal sealed class RelationalCheckpointStore(IDbContextFactory<AuditDbContext> contexts, StorageConnections database) : ICheckpointStore
{
    public async Task<IReadOnlyDictionary<string, long>> LatestSignedSeqsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        return await db.Set<CheckpointRow>().AsNoTracking()
            .Where(c => c.Kind != CheckpointKinds.Anchor)
            .GroupBy(c => c.TenantId)
            .Select(g => new { TenantId = g.Key, Seq = g.Max(c => c.Seq) })
            .ToDictionaryAsync(static g => g.TenantId, static g => g.Seq, StringComparer.Ordinal, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<bool> TryAddAsync(CheckpointRow checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var sql = database.Dialect;
        await using var connection = await database.OpenAsync(StorageScope.Tenant(checkpoint.TenantId), cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var tenant = DbParameters.Add(command, "@t", checkpoint.TenantId);
        var seq = DbParameters.Add(command, "@seq", checkpoint.Seq);
        var hash = DbParameters.Add(command, "@hash", checkpoint.Hash);
        var signedAt = DbParameters.Add(command, "@at", sql.TimeValue(AuditEventRow.ToStoredTime(checkpoint.SignedAt)));
        var keyId = DbParameters.Add(command, "@key", checkpoint.KeyId);
        var signature = DbParameters.Add(command, "@sig", checkpoint.Signature);
        var kind = DbParameters.Add(command, "@kind", checkpoint.Kind);
        command.CommandText =
            $"INSERT INTO {CheckpointRowConfiguration.Table} (tenant_id, seq, hash, signed_at, key_id, signature, kind) " +
            $"VALUES ({tenant}, {seq}, {hash}, {signedAt}, {keyId}, {signature}, {kind}) ON CONFLICT DO NOTHING";
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<CheckpointRow>> ListAsync(string tenantId, CheckpointQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        var rows = db.Set<CheckpointRow>().AsNoTracking().Where(c => c.TenantId == tenantId);
        if (query.FromSeq is { } from)
        {
            rows = rows.Where(c => c.Seq >= from);
        }

        if (query.ToSeq is { } to)
        {
            rows = rows.Where(c => c.Seq <= to);
        }

        if (query.AfterSeq is { } afterSeq)
        {
            var afterKind = query.AfterKind ?? string.Empty;
            rows = rows.Where(c => c.Seq > afterSeq || (c.Seq == afterSeq && string.Compare(c.Kind, afterKind) > 0));
        }

        return await rows.OrderBy(c => c.Seq).ThenBy(c => c.Kind).Take(query.Limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }
}
