using Microsoft.AspNetCore.Authorization;

namespace AuditKit.Server.Auth;

/// <summary>The authorization policies of the API: one per role, each requiring an API key of exactly that role.</summary>
internal static class AuditKitPolicies
{
    /// <summary>Posting events: a tenant-bound ingest key.</summary>
    public const string Ingest = "auditkit:ingest";

    /// <summary>Reading events: a tenant-bound read key.</summary>
    public const string Read = "auditkit:read";

    /// <summary>Managing tenants and keys: an admin key (tenant-bound, or the bootstrap key).</summary>
    public const string Admin = "auditkit:admin";

    /// <summary>Registers the policies.</summary>
    public static AuthorizationBuilder AddAuditKitPolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddPolicy(Ingest, policy => policy
                .AddAuthenticationSchemes(ApiAuthenticationSchemes.Api)
                .RequireClaim(AuditKitClaimTypes.Role, ApiKeyRoles.Ingest)
                .RequireClaim(AuditKitClaimTypes.Tenant))
            .AddPolicy(Read, policy => policy
                .AddAuthenticationSchemes(ApiAuthenticationSchemes.Api)
                .RequireClaim(AuditKitClaimTypes.Role, ApiKeyRoles.Read)
                .RequireClaim(AuditKitClaimTypes.Tenant))
            .AddPolicy(Admin, policy => policy
                .AddAuthenticationSchemes(ApiAuthenticationSchemes.Api)
                .RequireClaim(AuditKitClaimTypes.Role, ApiKeyRoles.Admin));
    }
}
