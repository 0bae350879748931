namespace AuditKit.Server.Detection.Rules;

/// <summary>
/// Rules 1 and 2, over the failed logins from one IP: brute force (at least N failures within the window) and
/// password spraying (failures for at least N distinct users within the window).
/// </summary>
internal sealed class FailedLoginsByIpRule : IDetectionRule
{
    public async Task EvaluateAsync(DetectionPass pass, CancellationToken cancellationToken)
    {
        var bruteForce = pass.Settings.BruteForce;
        var spraying = pass.Settings.PasswordSpraying;
        var failures = pass.Events.Where(static e => e.IsFailedLogin && e.IpAddress is not null).ToList();
        if (failures.Count == 0)
        {
            return;
        }

        if (bruteForce.Enabled)
        {
            var template = new AlertMatchTemplate(
                AlertRules.BruteForce, AlertRules.IpKey, AuditSeverity.High, RuleDetails.Count(bruteForce, "failed logins"), StoredEventFilter.FailedLoginsByIp.Tally);
            await CountWindow.EvaluateAsync(
                pass, bruteForce, AlertRules.BruteForce, AlertRules.IpKey, StoredEventFilter.FailedLoginsByIp,
                failures.GroupBy(static e => e.IpAddress!, StringComparer.Ordinal).ToDictionary(static g => g.Key, static g => g.ToList(), StringComparer.Ordinal),
                _ => template, cancellationToken).ConfigureAwait(false);
        }

        var withUser = failures.Where(static e => e.UserId is not null).ToList();
        if (!spraying.Enabled || withUser.Count == 0)
        {
            return;
        }

        var rows = await pass.ReadRowsAsync(
            StoredEventFilter.FailedLoginsWithUserByIp, withUser.Select(static e => e.IpAddress!).ToHashSet(StringComparer.Ordinal),
            withUser.Min(static e => e.Timestamp) - spraying.Window, withUser.Max(static e => e.Timestamp) + spraying.Window, cancellationToken).ConfigureAwait(false);
        foreach (var (ip, events) in rows)
        {
            if (SlidingWindow.Find([.. events.Select(static r => r.ToWindow(r.UserId))], spraying.Window, spraying.Threshold, distinct: true) is { } spray)
            {
                // The earliest of the IP's new failures, a superset of the new events the tally counts (see AlertMatch.EarliestNew).
                pass.Report(new AlertMatch(
                    AlertRules.PasswordSpraying, AlertRules.IpKey, ip, AuditSeverity.High, spray.First, spray.Last,
                    RuleDetails.Count(spraying, "distinct users with failed logins"), StoredEventFilter.FailedLoginsWithUserByIp.Tally,
                    failures.Where(e => e.IpAddress == ip).Min(static e => e.Timestamp)));
            }
        }
    }
}
