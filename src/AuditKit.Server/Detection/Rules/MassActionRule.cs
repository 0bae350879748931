namespace AuditKit.Server.Detection.Rules;

/// <summary>Rule 6: at least N events of one action (DELETE: mass destruction; EXPORT: exfiltration) by one user within the window.</summary>
/// <param name="action">The action counted.</param>
/// <param name="rule">The alert's rule name.</param>
/// <param name="severity">The alert's severity.</param>
/// <param name="settings">The thresholds of the action among a tenant's rule settings.</param>
/// <param name="stored">The stored events of the action, by user.</param>
internal sealed class MassActionRule(
    string action, string rule, AuditSeverity severity, Func<DetectionRuleSettings, CountRuleSettings> settings, StoredEventFilter stored) : IDetectionRule
{
    public static MassActionRule Delete { get; } =
        new(AuditActions.Delete, AlertRules.MassDelete, AuditSeverity.Critical, static s => s.MassDelete, StoredEventFilter.DeletesByUser);

    public static MassActionRule Export { get; } =
        new(AuditActions.Export, AlertRules.MassExport, AuditSeverity.High, static s => s.MassExport, StoredEventFilter.ExportsByUser);

    public Task EvaluateAsync(DetectionPass pass, CancellationToken cancellationToken)
    {
        var thresholds = settings(pass.Settings);
        if (!thresholds.Enabled)
        {
            return Task.CompletedTask;
        }

        var byUser = pass.Events.Where(e => e.UserId is not null && e.Action == action)
            .GroupBy(static e => e.UserId!, StringComparer.Ordinal)
            .ToDictionary(static g => g.Key, static g => g.ToList(), StringComparer.Ordinal);
        var template = new AlertMatchTemplate(rule, AlertRules.UserKey, severity, RuleDetails.Count(thresholds, action + " events by the user"), stored.Tally);
        return CountWindow.EvaluateAsync(pass, thresholds, rule, AlertRules.UserKey, stored, byUser, _ => template, cancellationToken);
    }
}
