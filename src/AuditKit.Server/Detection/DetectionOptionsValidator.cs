namespace AuditKit.Server.Detection;

/// <summary>Checks <see cref="DetectionOptions"/> at start-up, naming the key of every bad value.</summary>
internal sealed class DetectionOptionsValidator : IValidateOptions<DetectionOptions>
{
    private static readonly TimeSpan s_maxWindow = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, DetectionOptions options)
    {
        var failures = new List<string>();
        var prefix = DetectionOptions.SectionName + ":";
        if (options.EvidenceLimit is < 1 or > 1000)
        {
            failures.Add($"{prefix}EvidenceLimit must be between 1 and 1000 (was {options.EvidenceLimit}).");
        }

        if (options.QueueCapacity is < 1 or > 100_000)
        {
            failures.Add($"{prefix}QueueCapacity must be between 1 and 100000 (was {options.QueueCapacity}).");
        }

        if (options.MaxEventsPerPass is < 1 or > 1_000_000)
        {
            failures.Add($"{prefix}MaxEventsPerPass must be between 1 and 1000000 (was {options.MaxEventsPerPass}).");
        }

        if (options.PassInterval < TimeSpan.Zero || options.PassInterval > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{prefix}PassInterval must be between 00:00:00 and 00:00:10 (was {options.PassInterval}).");
        }

        if (options.SmallBatchEvents is < 0 or > 10_000)
        {
            failures.Add($"{prefix}SmallBatchEvents must be between 0 and 10000 (was {options.SmallBatchEvents}).");
        }

        if (options.SweepGracePeriod < TimeSpan.FromSeconds(1) || options.SweepGracePeriod > s_maxWindow)
        {
            failures.Add($"{prefix}SweepGracePeriod must be between 00:00:01 and 1.00:00:00 (was {options.SweepGracePeriod}).");
        }

        if (options.SweepInterval < TimeSpan.FromSeconds(1) || options.SweepInterval > s_maxWindow)
        {
            failures.Add($"{prefix}SweepInterval must be between 00:00:01 and 1.00:00:00 (was {options.SweepInterval}).");
        }

        if (options.SweepClaimLease < TimeSpan.FromSeconds(10) || options.SweepClaimLease > s_maxWindow)
        {
            failures.Add($"{prefix}SweepClaimLease must be between 00:00:10 and 1.00:00:00 (was {options.SweepClaimLease}).");
        }

        Validate(prefix + "Rules:", options.Rules, failures);
        foreach (var (tenant, settings) in options.Tenants)
        {
            if (!TenantIds.IsValid(tenant))
            {
                failures.Add($"{prefix}Tenants:{tenant} does not name a tenant: a tenant id {TenantIds.Description}");
            }

            Validate($"{prefix}Tenants:{tenant}:", settings, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Validate(string prefix, DetectionRuleSettings rules, List<string> failures)
    {
        foreach (var (rule, settings) in rules.CountRules())
        {
            // Distinct counts of one are every failure; a threshold of one is allowed for plain counts only.
            var least = rule is nameof(DetectionRuleSettings.PasswordSpraying) or nameof(DetectionRuleSettings.DistributedAttack) ? 2 : 1;
            if (settings.Threshold < least || settings.Threshold > 1_000_000)
            {
                failures.Add($"{prefix}{rule}:Threshold must be between {least} and 1000000 (was {settings.Threshold}).");
            }

            Window($"{prefix}{rule}:Window", settings.Window, failures);
        }

        Window($"{prefix}PrivilegeEscalation:Window", rules.PrivilegeEscalation.Window, failures);

        if (rules.NewIp.MinimumHistoryDays is < 1 or > 3650)
        {
            failures.Add($"{prefix}NewIp:MinimumHistoryDays must be between 1 and 3650 (was {rules.NewIp.MinimumHistoryDays}).");
        }

        var rate = rules.RateAnomaly;
        if (!(rate.Factor > 1) || double.IsInfinity(rate.Factor) || rate.Factor > 1_000_000)
        {
            failures.Add($"{prefix}RateAnomaly:Factor must be greater than 1 and at most 1000000 (was {rate.Factor}).");
        }

        if (rate.MinimumEventsPerMinute is < 1 or > 10_000_000)
        {
            failures.Add($"{prefix}RateAnomaly:MinimumEventsPerMinute must be between 1 and 10000000 (was {rate.MinimumEventsPerMinute}).");
        }

        if (rate.BaselineWindow < TimeSpan.FromMinutes(10) || rate.BaselineWindow > TimeSpan.FromDays(30) || rate.BaselineWindow.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            failures.Add($"{prefix}RateAnomaly:BaselineWindow must be whole minutes between 00:10:00 and 30.00:00:00 (was {rate.BaselineWindow}).");
        }
    }

    private static void Window(string key, TimeSpan window, List<string> failures)
    {
        if (window <= TimeSpan.Zero || window > s_maxWindow)
        {
            failures.Add($"{key} must be greater than 00:00:00 and at most 1.00:00:00 (was {window}).");
        }
    }
}
