namespace AuditKit.Server.Auth;

/// <summary>Checks <see cref="ConsoleSignInOptions"/> at start-up, naming each bad key.</summary>
internal sealed class ConsoleSignInOptionsValidator : IValidateOptions<ConsoleSignInOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleSignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string prefix = ConsoleSignInOptions.SectionName + ":";

        if (options.MaxFailedSignIns is < 1 or > 100)
        {
            failures.Add($"{prefix}MaxFailedSignIns must be between 1 and 100 (was {options.MaxFailedSignIns}).");
        }

        if (options.LockoutDuration <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}LockoutDuration must be positive (was {options.LockoutDuration}).");
        }

        if (options.SessionIdleTimeout < TimeSpan.FromMinutes(1) || options.SessionIdleTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"{prefix}SessionIdleTimeout must be between 1 minute and 1 day (was {options.SessionIdleTimeout}).");
        }

        if (options.RevalidationInterval < TimeSpan.Zero || options.RevalidationInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{prefix}RevalidationInterval must be between 0 (every request) and 10 minutes (was {options.RevalidationInterval}).");
        }

        if (options.MinimumPasswordLength is < 8 or > 128)
        {
            failures.Add($"{prefix}MinimumPasswordLength must be between 8 and 128 (was {options.MinimumPasswordLength}).");
        }

        var oidc = options.Oidc;
        if (oidc.IsEnabled)
        {
            if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority)
                || (authority.Scheme != Uri.UriSchemeHttps && !(authority.Scheme == Uri.UriSchemeHttp && authority.IsLoopback)))
            {
                failures.Add($"{prefix}Oidc:Authority must be an absolute https URL (http only on a loopback address) (was '{oidc.Authority}').");
            }

            if (string.IsNullOrWhiteSpace(oidc.ClientId))
            {
                failures.Add($"{prefix}Oidc:ClientId is required when {prefix}Oidc:Authority is set.");
            }

            if (string.IsNullOrWhiteSpace(oidc.TenantRolesClaim))
            {
                failures.Add($"{prefix}Oidc:TenantRolesClaim must name the claim that carries 'tenant:role' grants.");
            }
        }
        else if (!string.IsNullOrWhiteSpace(oidc.ClientId) || !string.IsNullOrWhiteSpace(oidc.ClientSecret))
        {
            failures.Add($"{prefix}Oidc:Authority is required when {prefix}Oidc:ClientId or ClientSecret is set.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
