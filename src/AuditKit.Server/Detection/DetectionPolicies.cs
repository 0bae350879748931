using AuditKit.Server.Auth;
using Microsoft.AspNetCore.Authorization;

namespace AuditKit.Server.Detection;

/// <summary>The authorization policy of alert triage.</summary>
internal static class DetectionPolicies
{
    /// <summary>
    /// Acknowledging and resolving alerts: a tenant-bound read key (security staff, who read the alerts) or admin key.
    /// Ingest keys — held by the applications being watched — may not silence alerts.
    /// </summary>
    public const string TriageAlerts = "auditkit:alerts:triage";

    public static AuthorizationBuilder AddDetectionPolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddPolicy(TriageAlerts, policy => policy
            .AddAuthenticationSchemes(ApiAuthenticationSchemes.Api)
            .RequireClaim(AuditKitClaimTypes.Role, ApiKeyRoles.Read, ApiKeyRoles.Admin)
            .RequireClaim(AuditKitClaimTypes.Tenant)
            .RequireAssertion(static context => !context.User.HasClaim(static c => c.Type == PersonClaimTypes.ReadOnly)));
    }
}
