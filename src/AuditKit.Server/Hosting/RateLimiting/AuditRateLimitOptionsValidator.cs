namespace AuditKit.Server.Hosting.RateLimiting;

/// <summary>Fails start-up on a limit that cannot work, naming its configuration key.</summary>
internal sealed class AuditRateLimitOptionsValidator : IValidateOptions<AuditRateLimitOptions>
{
    private const int MaxConcurrency = 10_000;

    public ValidateOptionsResult Validate(string? name, AuditRateLimitOptions options)
    {
        const string prefix = AuditRateLimitOptions.SectionName;
        var failures = new List<string>();
        failures.AddRange(options.Ingest.Validate($"{prefix}:Ingest"));
        failures.AddRange(options.Read.Validate($"{prefix}:Read"));
        failures.AddRange(options.FailedAuthentication.Validate($"{prefix}:FailedAuthentication"));
        Concurrency($"{prefix}:LongReadsPerKey", options.LongReadsPerKey, failures);
        Concurrency($"{prefix}:LongReadsPerTenant", options.LongReadsPerTenant, failures);

        foreach (var (tenantId, tenant) in options.Tenants)
        {
            var path = $"{prefix}:Tenants:{tenantId}";
            if (tenant is null)
            {
                continue;
            }

            failures.AddRange(options.IngestFor(tenantId).Validate($"{path}:Ingest"));
            failures.AddRange(options.ReadFor(tenantId).Validate($"{path}:Read"));
            if (tenant.LongReadsPerKey is { } perKey)
            {
                Concurrency($"{path}:LongReadsPerKey", perKey, failures);
            }

            if (tenant.LongReadsPerTenant is { } perTenant)
            {
                Concurrency($"{path}:LongReadsPerTenant", perTenant, failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Concurrency(string key, int value, List<string> failures)
    {
        if (value is < 1 or > MaxConcurrency)
        {
            failures.Add($"{key} must be between 1 and {MaxConcurrency} (was {value}).");
        }
    }
}
