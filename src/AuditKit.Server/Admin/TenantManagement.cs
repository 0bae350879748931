using AuditKit.Server.Auth;

namespace AuditKit.Server.Admin;

/// <summary>The one rule every tenant-management endpoint (keys, webhooks) applies before doing anything.</summary>
internal static class TenantManagement
{
    /// <summary>The route parameter naming the managed tenant.</summary>
    public const string TenantIdParameter = "tenantId";

    /// <summary>
    /// Whether <paramref name="caller"/> may manage <paramref name="tenantId"/> and that tenant exists. Both cases
    /// answer the same 404, so another tenant's existence is never revealed.
    /// </summary>
    public static async Task<bool> CanManageAsync(
        this ITenantStore tenants, AuditCaller caller, string tenantId, CancellationToken cancellationToken) =>
        caller.MayManage(tenantId) && await tenants.GetTenantAsync(tenantId, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// A route of one tenant's management: <see cref="RequireTenantManagement"/>, its OpenAPI name and summary, and the
    /// 404 it answers a caller that may not manage the tenant.
    /// </summary>
    public static RouteHandlerBuilder ManagesTenant(this RouteHandlerBuilder route, string name, string summary) =>
        route.RequireTenantManagement().WithName(name).WithSummary(summary).ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>
    /// Runs the endpoints only for a caller that may manage the route's <c>{tenantId}</c> (see
    /// <see cref="CanManageAsync"/>); others are answered <see cref="TenantNotFound"/> before the endpoint reads
    /// anything.
    /// </summary>
    public static TBuilder RequireTenantManagement<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TenantManagementMetadata.Instance).AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            var tenants = http.RequestServices.GetRequiredService<ITenantStore>();
            return http.GetRouteValue(TenantIdParameter) is string tenantId
                && await tenants.CanManageAsync(AuditCaller.From(http.User), tenantId, http.RequestAborted).ConfigureAwait(false)
                ? await next(context).ConfigureAwait(false)
                : TenantNotFound();
        });

    /// <summary>The answer for a tenant that does not exist or that the caller may not manage.</summary>
    public static ProblemHttpResult TenantNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such tenant.");
}

/// <summary>Marks an endpoint that <see cref="TenantManagement.RequireTenantManagement"/> guards, so the guard can be checked for every route.</summary>
internal sealed class TenantManagementMetadata
{
    public static readonly TenantManagementMetadata Instance = new();

    private TenantManagementMetadata()
    {
    }
}
