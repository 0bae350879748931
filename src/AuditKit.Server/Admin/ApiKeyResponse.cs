using AuditKit.Server.Storage;

namespace AuditKit.Server.Admin;

/// <summary>An API key as the admin API lists it: never the key itself nor its hash.</summary>
internal sealed record ApiKeyResponse(
    Guid Id,
    string Prefix,
    string Role,
    string TenantId,
    string? Name,
    IReadOnlyList<string> AllowedTenants,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKeyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.Id, record.Prefix, record.Role, record.TenantId, record.Name, record.AllowedTenants, record.CreatedAt, record.RevokedAt);
    }
}
