namespace AuditKit.Server.Auth;

/// <summary>
/// Section <c>AuditKit:Console</c>: how people sign in to the console — local console users (the embedded default)
/// or OpenID Connect when <see cref="ConsoleOidcOptions.Authority"/> is set.
/// </summary>
internal sealed class ConsoleSignInOptions
{
    public const string SectionName = "AuditKit:Console";

    /// <summary>Failed local sign-ins in a row that lock the user.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked user stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a session lasts without a request (sliding).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How often an open session of a local console user re-reads the user's grants and lock from the store (0 = on
    /// every request): a revoked role, a locked or removed user ends that long after the change at the latest.
    /// </summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Shortest password accepted for a new console user.</summary>
    public int MinimumPasswordLength { get; set; } = 12;

    public ConsoleOidcOptions Oidc { get; set; } = new();
}

/// <summary>Section <c>AuditKit:Console:Oidc</c>: the OpenID provider staff sign in with.</summary>
internal sealed class ConsoleOidcOptions
{
    /// <summary>The issuer (its <c>/.well-known/openid-configuration</c> is read); empty = local console users.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The claim whose values are <c>tenant:role</c> grants (role read, triage or admin).</summary>
    public string TenantRolesClaim { get; set; } = "auditkit_roles";

    /// <summary>The audience JWT bearer tokens sent to the API must carry; defaults to <see cref="ClientId"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>Whether OpenID Connect is configured.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(Authority);
}
