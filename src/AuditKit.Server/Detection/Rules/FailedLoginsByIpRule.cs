namespace AuditKit.Server.Detection.Rules;

/// <summary>
/// Rules 1 and 2, over the failed logins from one IP: brute force (at least N failures within the window) and
/// password spraying (failures for at least N distinct users within the window).
/// </summary>
internal sealed class FailedLoginsByIpRule : IDetectionRule
{
    private static readonly EventTally s_bruteForce = new($"e.ip_address = {{key}} AND {DetectionPredicates.FailedLoginSql}");
    private static readonly EventTally s_spraying = new($"e.ip_address = {{key}} AND e.user_id IS NOT NULL AND {DetectionPredicates.FailedLoginSql}");

    public async Task EvaluateAsync(DetectionPass pass, CancellationToken cancellationToken)
    {
        var bruteForce = pass.Settings.BruteForce;
        var spraying = pass.Settings.PasswordSpraying;
        if (!bruteForce.Enabled && !spraying.Enabled)
        {
            return;
        }

        var failures = pass.Events.Where(static e => e.IsFailedLogin && e.IpAddress is not null).ToList();
        if (failures.Count == 0)
        {
            return;
        }

        var window = TimeSpan.FromTicks(Math.Max(bruteForce.Enabled ? bruteForce.Window.Ticks : 0, spraying.Enabled ? spraying.Window.Ticks : 0));
        var ips = failures.Select(static e => e.IpAddress!).ToHashSet(StringComparer.Ordinal);
        var rows = await pass.ReadRowsAsync(
            "ip_address", ips, DetectionPredicates.FailedLoginSql,
            failures.Min(static e => e.Timestamp) - window, failures.Max(static e => e.Timestamp) + window, cancellationToken).ConfigureAwait(false);

        foreach (var (ip, events) in rows)
        {
            if (bruteForce.Enabled
                && SlidingWindow.Find([.. events.Select(static r => r.ToWindow())], bruteForce.Window, bruteForce.Threshold, distinct: false) is { } match)
            {
                pass.Report(new AlertMatch(
                    AlertRules.BruteForce, AlertRules.IpKey, ip, AuditSeverity.High, match.First, match.Last,
                    RuleDetails.Count(bruteForce, "failed logins"), s_bruteForce));
            }

            if (spraying.Enabled
                && SlidingWindow.Find([.. events.Where(static r => r.UserId is not null).Select(static r => r.ToWindow(r.UserId))], spraying.Window, spraying.Threshold, distinct: true) is { } spray)
            {
                pass.Report(new AlertMatch(
                    AlertRules.PasswordSpraying, AlertRules.IpKey, ip, AuditSeverity.High, spray.First, spray.Last,
                    RuleDetails.Count(spraying, "distinct users with failed logins"), s_spraying));
            }
        }
    }
}
