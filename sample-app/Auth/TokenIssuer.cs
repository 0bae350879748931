using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using AuditKit.SampleApp.Data;

namespace AuditKit.SampleApp.Auth;

/// <summary>Issues the JWT bearer tokens <c>POST /auth/login</c> answers with, and holds the key that validates them.</summary>
public sealed class TokenIssuer
{
    private readonly JwtOptions _options;
    private readonly TimeProvider _time;

    public TokenIssuer(IOptions<JwtOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        var key = _options.SigningKey is { Length: > 0 } configured ? Convert.FromBase64String(configured) : RandomNumberGenerator.GetBytes(32);
        SigningKey = new SymmetricSecurityKey(key);
    }

    public SymmetricSecurityKey SigningKey { get; }

    public string Issue(AppUser user)
    {
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(JwtRegisteredClaimNames.PreferredUsername, user.Username),
            new(JwtRegisteredClaimNames.Email, user.Email),

            // One sign-in session per token: what audit events record as session_id.
            new(JwtRegisteredClaimNames.Sid, Guid.CreateVersion7().ToString("N")),
        };
        claims.AddRange(user.RoleList.Select(role => new Claim("role", role)));

        var now = _time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(_options.LifetimeMinutes),
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
    }
}
