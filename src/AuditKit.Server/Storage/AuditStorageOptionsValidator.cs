namespace AuditKit.Server.Storage;

/// <summary>Fails start-up with a clear message when the storage configuration cannot work.</summary>
internal sealed class AuditStorageOptionsValidator : IValidateOptions<AuditStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditStorageOptions options)
    {
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
