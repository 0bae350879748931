using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.Server.Storage;

/// <summary>Tenants and API keys through the EF Core model, on whichever provider is configured.</summary>
internal sealed class AuditTenantStore(IDbContextFactory<AuditDbContext> contexts) : ITenantStore
{
    public async Task<bool> CreateTenantAsync(TenantRecord tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
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
        catch (DbUpdateException)
        {
            // Another request created the same id between the check and the insert.
            await using var check = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            if (await check.Tenants.AnyAsync(t => t.Id == tenant.Id, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            throw;
        }
    }

    public async Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : new TenantRecord(row.Id, row.Name, row.CreatedAt);
    }

    public async Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
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
            AllowedTenants = JsonSerializer.Serialize([.. key.AllowedTenants], AuditStorageJsonContext.Stored.ListString),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApiKeyRecord?> FindKeyByHashAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.ApiKeys.AsNoTracking()
            .FirstOrDefaultAsync(k => k.KeyHash == keyHash && k.RevokedAt == null, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToRecord(row);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenantId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id).Select(ToRecord)];
    }

    public async Task<bool> RevokeKeyAsync(string tenantId, Guid keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.TenantId == tenantId && k.Id == keyId, cancellationToken).ConfigureAwait(false);
        if (row is null || row.RevokedAt is not null)
        {
            return false;
        }

        row.RevokedAt = AuditEventRow.ToStoredTime(revokedAt);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static ApiKeyRecord ToRecord(ApiKeyRow row) => new(
        row.Id,
        row.TenantId,
        row.Role,
        row.KeyHash,
        row.Prefix,
        row.Name,
        row.CreatedAt,
        row.RevokedAt,
        JsonSerializer.Deserialize(row.AllowedTenants, AuditStorageJsonContext.Stored.ListString) ?? []);
}
