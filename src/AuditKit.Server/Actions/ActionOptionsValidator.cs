namespace AuditKit.Server.Actions;

/// <summary>Checks <see cref="ActionOptions"/> at start-up, naming the key of every bad alias.</summary>
internal sealed class ActionOptionsValidator : IValidateOptions<ActionOptions>
{
    public ValidateOptionsResult Validate(string? name, ActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var prefix = ActionOptions.SectionName + ":";
        Validate(prefix + "Aliases:", options.Aliases, failures);
        foreach (var (tenant, settings) in options.Tenants)
        {
            if (!TenantIds.IsValid(tenant))
            {
                failures.Add($"{prefix}Tenants:{tenant} does not name a tenant: a tenant id {TenantIds.Description}");
            }

            Validate($"{prefix}Tenants:{tenant}:Aliases:", settings.Aliases, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Validate(string prefix, Dictionary<string, string> aliases, List<string> failures)
    {
        foreach (var (alias, canonical) in aliases)
        {
            if (string.IsNullOrWhiteSpace(alias))
            {
                failures.Add($"{prefix}{alias} is not an action name.");
            }
            else if (ActionVocabulary.IsCanonical(alias))
            {
                failures.Add($"{prefix}{alias} is a canonical action itself and cannot be an alias of another.");
            }

            if (string.IsNullOrWhiteSpace(canonical) || !ActionVocabulary.IsCanonical(canonical))
            {
                failures.Add(
                    $"{prefix}{alias} names '{canonical}', which is not a canonical action (one of {string.Join(", ", ActionVocabulary.CanonicalNames)}).");
            }
        }
    }
}
