namespace AuditKit.Server.Storage;

/// <summary>The stored shape of an <see cref="ApiKeyRecord"/>: one row of <c>api_keys</c>. Never holds the clear key.</summary>
internal sealed class ApiKeyRow
{
    public Guid Id { get; set; }
    public required string TenantId { get; set; }
    public required string Role { get; set; }
    public required string KeyHash { get; set; }
    public required string Prefix { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>JSON array of the other tenants a multi-tenant ingest key may write for.</summary>
    public required string AllowedTenants { get; set; }
}
