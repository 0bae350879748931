namespace AuditKit.Server.Storage;

/// <summary>Checks <see cref="EventPartitionOptions"/> at start-up, naming the key of every bad value.</summary>
internal sealed class EventPartitionOptionsValidator : IValidateOptions<EventPartitionOptions>
{
    public ValidateOptionsResult Validate(string? name, EventPartitionOptions options)
    {
        var failures = new List<string>();
        var prefix = EventPartitionOptions.SectionName + ":";
        if (!Enum.IsDefined(options.Period))
        {
            failures.Add($"{prefix}Period must be Month or Day (was {options.Period}).");
        }

        var period = options.Period == EventPartitionPeriod.Day ? TimeSpan.FromDays(1) : TimeSpan.FromDays(31);
        if (options.Ahead < period || options.Ahead > EventPartitionOptions.MaxAhead)
        {
            failures.Add($"{prefix}Ahead must be between one period ({period}) and {EventPartitionOptions.MaxAhead} (was {options.Ahead}).");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
