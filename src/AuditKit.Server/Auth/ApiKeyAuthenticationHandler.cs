using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;

namespace AuditKit.Server.Auth;

/// <summary>
/// Authenticates a request by its API key (<c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c>): the key's
/// SHA-256 is looked up among the live keys (<see cref="ApiKeyLookup"/>, cached), or compared in constant time with
/// the bootstrap admin key. Challenges and forbids with RFC 7807 problem details. A presented key that fails is never
/// logged, not even in part: a prefix of a mistyped or leaked key helps whoever reads the logs.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyLookup keys,
    BootstrapAdminKey bootstrapAdminKey,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadPresentedKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (key.Length > ApiKeyCredentials.MaxPresentedKeyLength)
        {
            return Rejected();
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        ApiKeyCredentials.HashBytes(key, digest);

        if (bootstrapAdminKey.Matches(digest))
        {
            return Success(
            [
                new Claim(AuditKitClaimTypes.KeyId, AuditCaller.BootstrapKeyId),
                new Claim(AuditKitClaimTypes.KeyPrefix, AuditCaller.BootstrapKeyId),
                new Claim(AuditKitClaimTypes.Role, ApiKeyRoles.Admin),
            ]);
        }

        var record = await keys.FindAsync(Convert.ToHexStringLower(digest), Context.RequestAborted);
        if (record is null || record.RevokedAt is not null)
        {
            return Rejected();
        }

        var claims = new List<Claim>
        {
            new(AuditKitClaimTypes.KeyId, record.Id.ToString()),
            new(AuditKitClaimTypes.KeyPrefix, record.Prefix),
            new(AuditKitClaimTypes.Tenant, record.TenantId),
            new(AuditKitClaimTypes.Role, record.Role),
        };
        if (record.Name is { } name)
        {
            claims.Add(new Claim(AuditKitClaimTypes.KeyName, name));
        }

        claims.AddRange(record.AllowedTenants.Select(static t => new Claim(AuditKitClaimTypes.AllowedTenant, t)));
        return Success(claims);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var invalid = result.Failure is not null;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = invalid
            ? "Bearer realm=\"AuditKit\", error=\"invalid_token\""
            : "Bearer realm=\"AuditKit\"";
        await WriteProblemAsync(
            StatusCodes.Status401Unauthorized,
            "Unauthorized",
            invalid
                ? "The API key is not valid."
                : $"An API key is required: send 'Authorization: Bearer <key>' or '{ApiKeyAuthenticationOptions.HeaderName}: <key>'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.FindFirstValue(AuditKitClaimTypes.Role) ?? "none";
        var tenantBound = Context.User.HasClaim(static c => c.Type == AuditKitClaimTypes.Tenant);
        var detail = tenantBound
            ? $"This API key has the '{role}' role, which does not allow this operation."
            : "The bootstrap admin key may only manage tenants and keys.";
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", detail);
    }

    /// <summary>
    /// The one place a presented key is refused (too long, unknown or revoked): whatever is done about failed
    /// authentications is done here. Logs the client address, never the key.
    /// </summary>
    private AuthenticateResult Rejected()
    {
        LogRejectedKey(Logger, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return AuthenticateResult.Fail("The API key is not valid.");
    }

    private AuthenticateResult Success(IEnumerable<Claim> claims)
    {
        var identity = new ClaimsIdentity(claims, Scheme.Name, AuditKitClaimTypes.KeyId, AuditKitClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (!await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem }))
        {
            await Response.WriteAsJsonAsync(problem, ProblemJsonContext.Default.ProblemDetails, "application/problem+json", Context.RequestAborted);
        }
    }

    /// <summary>The key from <c>Authorization: Bearer</c>, else from <c>X-Api-Key</c>; null when neither is sent.</summary>
    internal static string? ReadPresentedKey(HttpRequest request)
    {
        foreach (var value in request.Headers.Authorization)
        {
            if (value is not null && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var token = value.AsSpan(BearerPrefix.Length).Trim();
                if (!token.IsEmpty)
                {
                    return token.ToString();
                }
            }
        }

        var header = request.Headers[ApiKeyAuthenticationOptions.HeaderName].ToString().Trim();
        return header.Length > 0 ? header : null;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Rejected an unknown or revoked API key from {RemoteAddress}")]
    private static partial void LogRejectedKey(ILogger logger, string remoteAddress);
}
