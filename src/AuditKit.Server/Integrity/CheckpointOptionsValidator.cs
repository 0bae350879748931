namespace AuditKit.Server.Integrity;

/// <summary>Checks <see cref="CheckpointOptions"/> at start-up, naming the key of a bad value.</summary>
internal sealed class CheckpointOptionsValidator : IValidateOptions<CheckpointOptions>
{
    public ValidateOptionsResult Validate(string? name, CheckpointOptions options) =>
        options.CheckpointInterval < TimeSpan.FromSeconds(10) || options.CheckpointInterval > TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Fail(
                $"{CheckpointOptions.SectionName}:CheckpointInterval must be between 00:00:10 and 1.00:00:00 (was {options.CheckpointInterval}).")
            : ValidateOptionsResult.Success;
}
