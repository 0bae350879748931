using Microsoft.AspNetCore.Routing;

namespace AuditKit.Server.Tests.Admin;

/// <summary>
/// Every route of one tenant's management (<c>/api/v1/admin/tenants/{tenantId}/…</c>: keys, webhooks, erasures,
/// console users, and whatever is added there) runs behind the tenant-management check, whichever slice maps it and
/// whether it is declared per route or on a group.
/// </summary>
public sealed class TenantManagementRoutesTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public void Every_route_below_a_managed_tenant_requires_tenant_management()
    {
        var prefix = AdminEndpoints.RoutePrefix + "/tenants/{" + TenantManagement.TenantIdParameter + "}/";
        var routes = server.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .ToList();

        routes.Count.ShouldBeGreaterThanOrEqualTo(10, "keys (3), webhooks (4), erasures (1) and console users (3) at least");
        routes.Where(static e => e.Metadata.GetMetadata<TenantManagementMetadata>() is null)
            .Select(static e => $"{e.DisplayName} {e.RoutePattern.RawText}")
            .ShouldBeEmpty();
    }
}
