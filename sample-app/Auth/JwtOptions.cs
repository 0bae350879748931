using System.ComponentModel.DataAnnotations;

namespace AuditKit.SampleApp.Auth;

/// <summary>How sign-in tokens are issued (section <c>Jwt</c>).</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    [Required]
    public string Issuer { get; set; } = "auditkit-sample";

    [Required]
    public string Audience { get; set; } = "auditkit-sample";

    /// <summary>The HMAC key, base64, at least 32 bytes. When unset a random key is made at start (tokens then die with the process).</summary>
    public string? SigningKey { get; set; }

    [Range(1, 1440)]
    public int LifetimeMinutes { get; set; } = 60;
}
