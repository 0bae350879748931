using Microsoft.Extensions.Options;

namespace AuditKit.Delivery;

/// <summary>Checks <see cref="AuditFileSinkOptions"/> at start-up, naming each offending configuration key.</summary>
internal sealed class AuditFileSinkOptionsValidator : IValidateOptions<AuditFileSinkOptions>
{
    /// <summary>The smallest file size accepted: a few events per file at least.</summary>
    public const long MinFileSizeBytes = 4 * 1024;

    public ValidateOptionsResult Validate(string? name, AuditFileSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = AuditFileSinkOptions.SectionName;

        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{Section}:Path must name a file.");
        }
        else if (options.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0
            || System.IO.Path.GetFileName(options.Path).Length == 0)
        {
            failures.Add($"{Section}:Path must be a file path (was '{options.Path}').");
        }

        if (options.MaxFileSizeBytes < MinFileSizeBytes)
        {
            failures.Add($"{Section}:MaxFileSizeBytes must be at least {MinFileSizeBytes} (was {options.MaxFileSizeBytes}).");
        }

        if (options.MaxBackups is < 0 or > 1000)
        {
            failures.Add($"{Section}:MaxBackups must be between 0 and 1000 (was {options.MaxBackups}).");
        }

        if (options.ChannelCapacity is < 1 or > 10_000_000)
        {
            failures.Add($"{Section}:ChannelCapacity must be between 1 and 10000000 (was {options.ChannelCapacity}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
