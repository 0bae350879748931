namespace AuditKit.Server.Detection.Rules;

/// <summary>Rule 5: at least N CRITICAL events within the window for the whole tenant and, separately, for one user.</summary>
internal sealed class CriticalBurstRule : IDetectionRule
{
    public async Task EvaluateAsync(DetectionPass pass, CancellationToken cancellationToken)
    {
        var settings = pass.Settings.CriticalBurst;
        if (!settings.Enabled)
        {
            return;
        }

        var critical = pass.Events.Where(static e => e.Severity == AuditSeverity.Critical).ToList();
        if (critical.Count == 0)
        {
            return;
        }

        var tenant = new AlertMatchTemplate(
            AlertRules.CriticalBurst, AlertRules.TenantKey, AuditSeverity.High, RuleDetails.Count(settings, "CRITICAL events in the tenant"), StoredEventFilter.CriticalByTenant.Tally);
        await CountWindow.EvaluateAsync(
            pass, settings, AlertRules.CriticalBurst, AlertRules.TenantKey, StoredEventFilter.CriticalByTenant,
            new Dictionary<string, List<DetectionEvent>>(StringComparer.Ordinal) { [pass.TenantId] = critical },
            _ => tenant, cancellationToken).ConfigureAwait(false);

        var user = new AlertMatchTemplate(
            AlertRules.CriticalBurst, AlertRules.UserKey, AuditSeverity.High, RuleDetails.Count(settings, "CRITICAL events by the user"), StoredEventFilter.CriticalByUser.Tally);
        await CountWindow.EvaluateAsync(
            pass, settings, AlertRules.CriticalBurst, AlertRules.UserKey, StoredEventFilter.CriticalByUser,
            critical.Where(static e => e.UserId is not null).GroupBy(static e => e.UserId!, StringComparer.Ordinal)
                .ToDictionary(static g => g.Key, static g => g.ToList(), StringComparer.Ordinal),
            _ => user, cancellationToken).ConfigureAwait(false);
    }
}
