namespace AuditKit.Server.Auth;

/// <summary>Checks <see cref="ApiKeyLookupOptions"/> at start-up, naming the key of every bad value.</summary>
internal sealed class ApiKeyLookupOptionsValidator : IValidateOptions<ApiKeyLookupOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyLookupOptions options)
    {
        var failures = new List<string>();
        var prefix = ApiKeyLookupOptions.SectionName + ":";
        if (options.RevocationCheckInterval < TimeSpan.FromMilliseconds(10) || options.RevocationCheckInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{prefix}RevocationCheckInterval must be between 00:00:00.01 and 00:01:00 (was {options.RevocationCheckInterval}).");
        }

        if (options.CacheSize is < 1 or > 1_000_000)
        {
            failures.Add($"{prefix}CacheSize must be between 1 and 1000000 (was {options.CacheSize}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
