namespace AuditKit.Server.Detection.Rules;

/// <summary>
/// Rules 3 and 4, over one user's logins: a distributed attack (failures for the user from at least N distinct IPs
/// within the window) and a compromise suspect (a successful login after at least N failures for the user within
/// the window before it).
/// </summary>
internal sealed class LoginsByUserRule : IDetectionRule
{
    public async Task EvaluateAsync(DetectionPass pass, CancellationToken cancellationToken)
    {
        var distributed = pass.Settings.DistributedAttack;
        var compromise = pass.Settings.CompromiseSuspect;
        if (!distributed.Enabled && !compromise.Enabled)
        {
            return;
        }

        // Failed logins are rare and successful ones are not: read the failures first, and the successful logins
        // only of the users with enough failures around them to matter.
        var logins = pass.Events
            .Where(e => e.UserId is not null
                && ((distributed.Enabled && e.IsFailedLogin && e.IpAddress is not null) || (compromise.Enabled && (e.IsFailedLogin || e.IsSuccessfulLogin))))
            .ToList();
        if (logins.Count == 0)
        {
            return;
        }

        var window = TimeSpan.FromTicks(Math.Max(distributed.Enabled ? distributed.Window.Ticks : 0, compromise.Enabled ? compromise.Window.Ticks : 0));
        var from = logins.Min(static e => e.Timestamp) - window;
        var to = logins.Max(static e => e.Timestamp) + window;
        var failures = await pass.ReadRowsAsync(
            StoredEventFilter.FailedLoginsByUser, logins.Select(static e => e.UserId!).ToHashSet(StringComparer.Ordinal), from, to, cancellationToken).ConfigureAwait(false);
        if (failures.Count == 0)
        {
            return;
        }

        if (distributed.Enabled)
        {
            foreach (var (user, events) in failures)
            {
                if (SlidingWindow.Find(
                        [.. events.Where(static r => r.IpAddress is not null).Select(static r => r.ToWindow(r.IpAddress))],
                        distributed.Window, distributed.Threshold, distinct: true) is { } match)
                {
                    pass.Report(new AlertMatch(
                        AlertRules.DistributedAttack, AlertRules.UserKey, user, AuditSeverity.High, match.First, match.Last,
                        RuleDetails.Count(distributed, "distinct IPs with failed logins"), StoredEventFilter.FailedLoginsWithIpByUser.Tally,
                        EarliestNew(pass, user, static e => e.IsFailedLogin)));
                }
            }
        }

        var suspects = failures.Where(f => f.Value.Count >= compromise.Threshold).Select(static f => f.Key).ToList();
        if (!compromise.Enabled || suspects.Count == 0)
        {
            return;
        }

        var successes = await pass.ReadRowsAsync(StoredEventFilter.SuccessfulLoginsByUser, suspects, from, to, cancellationToken).ConfigureAwait(false);
        foreach (var (user, logged) in successes)
        {
            List<StoredRow> events = [.. failures[user].Concat(logged).OrderBy(static r => r.Timestamp).ThenBy(static r => r.Id)];
            if (FindCompromise(events, compromise) is { } suspect)
            {
                pass.Report(new AlertMatch(
                    AlertRules.CompromiseSuspect, AlertRules.UserKey, user, AuditSeverity.Critical, suspect.First, suspect.Last,
                    RuleDetails.Count(compromise, "failed logins before a successful login"), StoredEventFilter.LoginsByUser.Tally,
                    EarliestNew(pass, user, static e => e.IsFailedLogin || e.IsSuccessfulLogin)));
            }
        }
    }

    /// <summary>
    /// The earliest of the pass's new events of <paramref name="user"/> that <paramref name="counted"/> (at least every
    /// new event the alert's tally counts; see <see cref="AlertMatch.EarliestNew"/>): when it is later than the
    /// unresolved alert's last_seen, the pass only appends to the alert, and its count is extended by the appended
    /// span instead of recounted over the whole span. A superset only makes the recount whole more often.
    /// </summary>
    private static DateTimeOffset? EarliestNew(DetectionPass pass, string user, Func<DetectionEvent, bool> counted)
    {
        DateTimeOffset? earliest = null;
        foreach (var e in pass.Events)
        {
            if (e.UserId == user && counted(e) && (earliest is not { } t || e.Timestamp < t))
            {
                earliest = e.Timestamp;
            }
        }

        return earliest;
    }

    /// <summary>
    /// Successful logins preceded (in event order) by at least the threshold of failures no earlier than the window
    /// before them; a match needs a new event among the login and those failures.
    /// </summary>
    private static WindowMatch? FindCompromise(List<StoredRow> events, CountRuleSettings settings)
    {
        var failures = new List<StoredRow>();
        var start = 0;
        DateTimeOffset? first = null;
        DateTimeOffset last = default;
        var peak = 0;
        foreach (var row in events)
        {
            if (DetectionPredicates.IsFailedLogin(row.Action, row.Status))
            {
                failures.Add(row);
                continue;
            }

            while (start < failures.Count && row.Timestamp - failures[start].Timestamp > settings.Window)
            {
                start++;
            }

            var count = failures.Count - start;
            if (count >= settings.Threshold && (row.IsNew || failures.Skip(start).Any(static f => f.IsNew)))
            {
                first = first is { } f && f <= failures[start].Timestamp ? f : failures[start].Timestamp;
                last = row.Timestamp;
                peak = Math.Max(peak, count);
            }
        }

        return first is { } firstSeen ? new WindowMatch(firstSeen, last, peak) : null;
    }
}
