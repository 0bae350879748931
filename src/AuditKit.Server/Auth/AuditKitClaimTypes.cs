namespace AuditKit.Server.Auth;

/// <summary>The claims an authenticated API key carries.</summary>
internal static class AuditKitClaimTypes
{
    /// <summary>The tenant the key is bound to; absent for the bootstrap admin key.</summary>
    public const string Tenant = "auditkit:tenant";

    /// <summary>One of <see cref="ApiKeyRoles"/>.</summary>
    public const string Role = "auditkit:role";

    /// <summary>The key's id (<c>bootstrap</c> for the bootstrap admin key).</summary>
    public const string KeyId = "auditkit:key_id";

    /// <summary>The key's name (its label, when it was given one).</summary>
    public const string KeyName = "auditkit:key_name";

    /// <summary>The key's display prefix, safe to log.</summary>
    public const string KeyPrefix = "auditkit:key_prefix";

    /// <summary>A further tenant an ingest key may write events for (one claim per tenant).</summary>
    public const string AllowedTenant = "auditkit:allowed_tenant";
}
