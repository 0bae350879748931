using AuditKit.Middleware;
using AuditKit.SampleApp.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.SampleApp.Auth;

/// <summary><c>POST /auth/login</c>: a token for a right password, 401 otherwise; both outcomes are audited.</summary>
public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/auth/login", LoginAsync)
            .WithAuditing(action: AuditActions.Login, resource: "User")
            .AllowAnonymous();
        return endpoints;
    }

    private static async Task<IResult> LoginAsync(LoginRequest login, SampleDbContext db, TokenIssuer tokens, IAuditLogger audit, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(login.Username) || string.IsNullOrEmpty(login.Password))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["username"] = ["The username and password are required."] });
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Username == login.Username, cancellationToken);
        if (user is null)
        {
            audit.LoginFailed(login.Username, "unknown_user");
            return Results.Unauthorized();
        }

        var verdict = new PasswordHasher<AppUser>().VerifyHashedPassword(user, user.PasswordHash, login.Password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            audit.LoginFailed(login.Username, "invalid_password");
            return Results.Unauthorized();
        }

        audit.LoginSucceeded(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), user.Username, user.Email);
        return Results.Ok(new LoginResponse(tokens.Issue(user)));
    }

    public sealed record LoginRequest(string Username, string Password);

    public sealed record LoginResponse(string Token);
}
