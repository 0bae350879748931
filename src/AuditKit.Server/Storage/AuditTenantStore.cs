using AuditKit.Server.Storage.Postgres;

namespace AuditKit.Server.Storage;

/// <summary>Tenants and API keys through the EF Core model, on whichever provider is configured.</summary>
internal sealed class AuditTenantStore(IDbContextFactory<AuditDbContext> contexts) : ITenantStore
{
    public Task<bool> CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken) =>
        CreateTenantCoreAsync(tenant, transaction: null, cancellationToken);

    public Task<bool> CreateTenantAsync(TenantRecord tenant, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return CreateTenantCoreAsync(tenant, transaction, cancellationToken);
    }

    public Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken) => CreateKeyCoreAsync(key, transaction: null, cancellationToken);

    public Task CreateKeyAsync(ApiKeyRecord key, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return CreateKeyCoreAsync(key, transaction, cancellationToken);
    }

    public Task<bool> RevokeKeyAsync(string tenantId, Guid keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        RevokeKeyCoreAsync(tenantId, keyId, revokedAt, transaction: null, cancellationToken);

    public Task<bool> RevokeKeyAsync(string tenantId, Guid keyId, DateTimeOffset revokedAt, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return RevokeKeyCoreAsync(tenantId, keyId, revokedAt, transaction, cancellationToken);
    }

    private async Task<bool> CreateTenantCoreAsync(TenantRecord tenant, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenant.Id), transaction, cancellationToken).ConfigureAwait(false);
        if (await db.Tenants.AnyAsync(t => t.Id == tenant.Id, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        db.Tenants.Add(new TenantRow { Id = tenant.Id, Name = tenant.Name, CreatedAt = AuditEventRow.ToStoredTime(tenant.CreatedAt) });
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException) when (transaction is null)
        {
            // Another request created the same id between the check and the insert.
            await using var check = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenant.Id), cancellationToken).ConfigureAwait(false);
            if (await check.Tenants.AnyAsync(t => t.Id == tenant.Id, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            throw;
        }
    }

    public async Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
        var row = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : new TenantRecord(row.Id, row.Name, row.CreatedAt);
    }

    private async Task CreateKeyCoreAsync(ApiKeyRecord key, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(key.TenantId), transaction, cancellationToken).ConfigureAwait(false);
        await using var own = transaction is null ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        db.ApiKeys.Add(new ApiKeyRow
        {
            Id = key.Id,
            TenantId = key.TenantId,
            Role = key.Role,
            KeyHash = key.KeyHash,
            Prefix = key.Prefix,
            Name = key.Name,
            CreatedAt = AuditEventRow.ToStoredTime(key.CreatedAt),
            RevokedAt = key.RevokedAt is { } revoked ? AuditEventRow.ToStoredTime(revoked) : null,
            AllowedTenants = SerializeTenants(key.AllowedTenants),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await BumpKeySetVersionAsync(db, cancellationToken).ConfigureAwait(false);
        if (own is not null)
        {
            await own.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<ApiKeyRecord?> FindKeyByHashAsync(string keyHash, CancellationToken cancellationToken)
    {
        // Authentication: the key names the tenant, so no tenant is known before it is found.
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        var row = await db.ApiKeys.AsNoTracking()
            .FirstOrDefaultAsync(k => k.KeyHash == keyHash && k.RevokedAt == null, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToRecord(row);
    }

    public async Task<long> GetKeySetVersionAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        return await db.Set<ApiKeySetVersionRow>().AsNoTracking()
            .Where(v => v.Id == ApiKeySetVersionRow.SingletonId)
            .Select(v => v.Version)
            .SingleAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string tenantId, CancellationToken cancellationToken)
    {
        // Multi-tenant keys are few (only the bootstrap key makes them): they are read whole and matched here, which
        // also spares a JSON containment query that neither provider spells the same way.
        // The other tenants' keys that write for this one are read too: the predicate below is the wall here.
        var none = SerializeTenants([]);
        await using var db = await contexts.CreateDbContextAsync(StorageScope.System, cancellationToken).ConfigureAwait(false);
        var rows = await db.ApiKeys.AsNoTracking()
            .Where(k => k.TenantId == tenantId || k.AllowedTenants != none)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToRecord)
            .Where(k => k.TenantId == tenantId || k.AllowedTenants.Contains(tenantId, StringComparer.Ordinal))
            .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)];
    }

    private async Task<bool> RevokeKeyCoreAsync(string tenantId, Guid keyId, DateTimeOffset revokedAt, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(StorageScope.Tenant(tenantId), transaction, cancellationToken).ConfigureAwait(false);
        await using var own = transaction is null ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.TenantId == tenantId && k.Id == keyId, cancellationToken).ConfigureAwait(false);
        if (row is null || row.RevokedAt is not null)
        {
            return false;
        }

        row.RevokedAt = AuditEventRow.ToStoredTime(revokedAt);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await BumpKeySetVersionAsync(db, cancellationToken).ConfigureAwait(false);
        if (own is not null)
        {
            await own.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public async Task<bool> RevokeTenantAccessAsync(string tenantId, Guid keyId, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);

        // The key belongs to another tenant than the one whose transaction this is.
        await RowLevelSecurity.OpenToSystemAsync(transaction, cancellationToken).ConfigureAwait(false);
        await using var db = await contexts.CreateDbContextAsync(transaction, cancellationToken).ConfigureAwait(false);
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.TenantId != tenantId, cancellationToken).ConfigureAwait(false);
        if (row is null || row.RevokedAt is not null)
        {
            return false;
        }

        var allowed = DeserializeTenants(row.AllowedTenants);
        if (!allowed.Remove(tenantId))
        {
            return false;
        }

        row.AllowedTenants = SerializeTenants(allowed);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await BumpKeySetVersionAsync(db, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static Task BumpKeySetVersionAsync(AuditDbContext db, CancellationToken cancellationToken) =>
        db.Set<ApiKeySetVersionRow>()
            .Where(v => v.Id == ApiKeySetVersionRow.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Version, v => v.Version + 1), cancellationToken);

    private static string SerializeTenants(IEnumerable<string> tenants) =>
        JsonSerializer.Serialize([.. tenants], AuditStorageJsonContext.Stored.ListString);

    private static List<string> DeserializeTenants(string json) =>
        JsonSerializer.Deserialize(json, AuditStorageJsonContext.Stored.ListString) ?? [];

    private static ApiKeyRecord ToRecord(ApiKeyRow row) => new(
        row.Id,
        row.TenantId,
        row.Role,
        row.KeyHash,
        row.Prefix,
        row.Name,
        row.CreatedAt,
        row.RevokedAt,
        DeserializeTenants(row.AllowedTenants));
}
