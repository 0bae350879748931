namespace AuditKit.Server.Retention;

/// <summary>Checks <see cref="RetentionOptions"/> at start-up, naming the key of every bad value.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    private const int MaxDays = 36_500;

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        var prefix = RetentionOptions.SectionName + ":";
        if (options.Days is < 0 or > MaxDays)
        {
            failures.Add($"{prefix}Days must be between 0 (keep everything) and {MaxDays} (was {options.Days}).");
        }

        if (options.Interval < TimeSpan.FromMinutes(1) || options.Interval > TimeSpan.FromDays(1))
        {
            failures.Add($"{prefix}Interval must be between 00:01:00 and 1.00:00:00 (was {options.Interval}).");
        }

        if (options.BatchSize is < 100 or > 1_000_000)
        {
            failures.Add($"{prefix}BatchSize must be between 100 and 1000000 (was {options.BatchSize}).");
        }

        foreach (var (tenant, retention) in options.Tenants)
        {
            if (!TenantIds.IsValid(tenant))
            {
                failures.Add($"{prefix}Tenants:{tenant} does not name a tenant: a tenant id {TenantIds.Description}");
            }

            if (retention.Days is < 0 or > MaxDays)
            {
                failures.Add($"{prefix}Tenants:{tenant}:Days must be between 0 (keep everything) and {MaxDays} (was {retention.Days}).");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
