using AuditKit.Server.Auth;
using AuditKit.Server.Storage;

namespace AuditKit.Server.Admin;

/// <summary>The one rule every tenant-management endpoint (keys, webhooks) applies before doing anything.</summary>
internal static class TenantManagement
{
    /// <summary>
    /// Whether <paramref name="caller"/> may manage <paramref name="tenantId"/> and that tenant exists. Both cases
    /// answer the same 404, so another tenant's existence is never revealed.
    /// </summary>
    public static async Task<bool> CanManageAsync(
        this ITenantStore tenants, AuditCaller caller, string tenantId, CancellationToken cancellationToken) =>
        caller.MayManage(tenantId) && await tenants.GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false) is not null;
}
