namespace AuditKit.Server.Admin;

/// <summary>A tenant's API keys, oldest first.</summary>
internal sealed record ApiKeyListResponse(IReadOnlyList<ApiKeyResponse> Items);
