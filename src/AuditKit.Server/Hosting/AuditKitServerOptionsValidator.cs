namespace AuditKit.Server.Hosting;

/// <summary>
/// Checks <see cref="AuditKitServerOptions"/> at start-up: outside Development a bootstrap admin key must be long
/// enough not to be guessed, and the ingest and paging bounds must make sense.
/// </summary>
internal sealed class AuditKitServerOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuditKitServerOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditKitServerOptions options)
    {
        var failures = new List<string>();
        var prefix = AuditKitServerOptions.SectionName + ":";

        if (options.BootstrapAdminKey is { } key)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                // An empty value is how an environment variable switches the key off; treated as "no key".
            }
            else if (!environment.IsDevelopment() && key.Length < AuditKitServerOptions.MinimumBootstrapKeyLength)
            {
                failures.Add(
                    $"{prefix}BootstrapAdminKey must be at least {AuditKitServerOptions.MinimumBootstrapKeyLength} characters " +
                    $"outside the Development environment (it is {key.Length}; environment '{environment.EnvironmentName}'). " +
                    "Generate one with: openssl rand -base64 48");
            }
        }

        if (options.MaxBatchEvents is < 1 or > 100_000)
        {
            failures.Add($"{prefix}MaxBatchEvents must be between 1 and 100000 (was {options.MaxBatchEvents}).");
        }

        if (options.MaxBatchBytes is < 1024 or > 256 * 1024 * 1024)
        {
            failures.Add($"{prefix}MaxBatchBytes must be between 1 KiB and 256 MiB (was {options.MaxBatchBytes}).");
        }

        if (options.MaxEventBytes < 1024 || options.MaxEventBytes > options.MaxBatchBytes)
        {
            failures.Add($"{prefix}MaxEventBytes must be at least 1 KiB and at most MaxBatchBytes (was {options.MaxEventBytes}).");
        }

        if (options.MaxPageSize is < 1 or > 100_000)
        {
            failures.Add($"{prefix}MaxPageSize must be between 1 and 100000 (was {options.MaxPageSize}).");
        }

        if (options.DefaultPageSize < 1 || options.DefaultPageSize > options.MaxPageSize)
        {
            failures.Add($"{prefix}DefaultPageSize must be between 1 and MaxPageSize (was {options.DefaultPageSize}).");
        }

        if (options.TotalCountCap < 1)
        {
            failures.Add($"{prefix}TotalCountCap must be at least 1 (was {options.TotalCountCap}).");
        }

        if (options.MaxClockSkew < TimeSpan.Zero || options.MaxClockSkew > TimeSpan.FromDays(1))
        {
            failures.Add($"{prefix}MaxClockSkew must be between 00:00:00 and 1.00:00:00 (was {options.MaxClockSkew}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
