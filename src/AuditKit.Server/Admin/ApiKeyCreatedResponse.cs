namespace AuditKit.Server.Admin;

/// <summary>A newly created API key. <see cref="Key"/> is shown this once: only its hash is stored.</summary>
internal sealed record ApiKeyCreatedResponse(
    Guid Id,
    string Key,
    string Prefix,
    string Role,
    string TenantId,
    string? Name,
    IReadOnlyList<string> AllowedTenants,
    DateTimeOffset CreatedAt);
