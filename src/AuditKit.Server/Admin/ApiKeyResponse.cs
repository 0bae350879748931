namespace AuditKit.Server.Admin;

/// <summary>
/// An API key as the admin API lists it: never the key itself nor its hash. <see cref="Foreign"/> marks another
/// tenant's multi-tenant ingest key that writes into the listed tenant: <see cref="TenantId"/> is then its owner, and
/// of its other tenants only the listed one is shown.
/// </summary>
internal sealed record ApiKeyResponse(
    Guid Id,
    string Prefix,
    string Role,
    string TenantId,
    string? Name,
    IReadOnlyList<string> AllowedTenants,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    bool Foreign)
{
    /// <summary><paramref name="record"/> as listed for <paramref name="listedTenantId"/>.</summary>
    public static ApiKeyResponse From(ApiKeyRecord record, string listedTenantId)
    {
        ArgumentNullException.ThrowIfNull(record);
        var foreign = record.TenantId != listedTenantId;
        return new(
            record.Id, record.Prefix, record.Role, record.TenantId, record.Name,
            foreign ? [listedTenantId] : record.AllowedTenants,
            record.CreatedAt, record.RevokedAt, foreign);
    }
}
