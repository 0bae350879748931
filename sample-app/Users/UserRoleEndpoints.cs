using AuditKit.SampleApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.SampleApp.Users;

/// <summary><c>POST /api/users/{id}/roles</c> <c>{"role"}</c>: administrators grant a role (ROLE_ASSIGN).</summary>
public static class UserRoleEndpoints
{
    public static readonly string[] KnownRoles = ["admin", "user", "auditor"];

    public static IEndpointRouteBuilder MapUserRoleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/users/{id:int}/roles", AssignAsync)
            .RequireAuthorization(SampleAuthorization.AdminPolicy)
            .WithAuditing(action: AuditActions.RoleAssign, resource: "User", severity: AuditSeverity.Critical);
        return endpoints;
    }

    private static async Task<IResult> AssignAsync(int id, RoleRequest request, SampleDbContext db, CancellationToken cancellationToken)
    {
        if (request.Role is not { } role || !KnownRoles.Contains(role, StringComparer.Ordinal))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"The role must be one of: {string.Join(", ", KnownRoles)}."] });
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return Results.NotFound();
        }

        if (!user.RoleList.Contains(role, StringComparer.Ordinal))
        {
            // The EF Core interceptor records the Roles change with its old and new value.
            user.Roles = string.Join(',', user.RoleList.Append(role));
            await db.SaveChangesAsync(cancellationToken);
        }

        return Results.Ok(new { id = user.Id, username = user.Username, roles = user.RoleList });
    }

    public sealed record RoleRequest(string? Role);
}
