namespace AuditKit.Server.Detection.Rules;

/// <summary>Rule 5: at least N CRITICAL events within the window for the whole tenant and, separately, for one user.</summary>
internal sealed class CriticalBurstRule : IDetectionRule
{
    private static readonly EventTally s_tenant = new("e.tenant_id = {key} AND e.severity = 3");
    private static readonly EventTally s_user = new("e.user_id = {key} AND e.severity = 3");

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

        var rows = await pass.ReadRowsAsync(
            "tenant_id", [pass.TenantId], "e.severity = 3",
            critical.Min(static e => e.Timestamp) - settings.Window, critical.Max(static e => e.Timestamp) + settings.Window, cancellationToken).ConfigureAwait(false);
        if (!rows.TryGetValue(pass.TenantId, out var events))
        {
            return;
        }

        if (SlidingWindow.Find([.. events.Select(static r => r.ToWindow())], settings.Window, settings.Threshold, distinct: false) is { } tenantMatch)
        {
            pass.Report(new AlertMatch(
                AlertRules.CriticalBurst, AlertRules.TenantKey, pass.TenantId, AuditSeverity.High, tenantMatch.First, tenantMatch.Last,
                RuleDetails.Count(settings, "CRITICAL events in the tenant"), s_tenant));
        }

        var users = critical.Where(static e => e.UserId is not null).Select(static e => e.UserId!).ToHashSet(StringComparer.Ordinal);
        foreach (var group in events.Where(r => r.UserId is not null && users.Contains(r.UserId)).GroupBy(static r => r.UserId!, StringComparer.Ordinal))
        {
            if (SlidingWindow.Find([.. group.Select(static r => r.ToWindow())], settings.Window, settings.Threshold, distinct: false) is { } userMatch)
            {
                pass.Report(new AlertMatch(
                    AlertRules.CriticalBurst, AlertRules.UserKey, group.Key, AuditSeverity.High, userMatch.First, userMatch.Last,
                    RuleDetails.Count(settings, "CRITICAL events by the user"), s_user));
            }
        }
    }
}
