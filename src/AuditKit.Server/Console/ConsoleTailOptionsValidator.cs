namespace AuditKit.Server.Console;

/// <summary>Checks <see cref="ConsoleTailOptions"/> at start-up, naming each bad key.</summary>
internal sealed class ConsoleTailOptionsValidator : IValidateOptions<ConsoleTailOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleTailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string prefix = ConsoleTailOptions.SectionName + ":";
        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{prefix}PollInterval must be between 100 milliseconds and 1 minute (was {options.PollInterval}).");
        }

        if (options.MaxConnectionsPerPerson is < 1 or > 100)
        {
            failures.Add($"{prefix}MaxConnectionsPerPerson must be between 1 and 100 (was {options.MaxConnectionsPerPerson}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
