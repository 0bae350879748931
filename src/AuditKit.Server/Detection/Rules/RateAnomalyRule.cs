namespace AuditKit.Server.Detection.Rules;

/// <summary>
/// Rule 9 (MEDIUM): a minute in which a user's events number at least the configured minimum and exceed their own
/// baseline — their average events per minute over the baseline window before that minute — by the configured factor.
/// Keeps per-user, per-minute event counts.
/// </summary>
internal sealed class RateAnomalyRule : IDetectionRule
{
    public async Task EvaluateAsync(DetectionPass pass, CancellationToken cancellationToken)
    {
        var settings = pass.Settings.RateAnomaly;
        if (!settings.Enabled)
        {
            return;
        }

        var buckets = pass.Events.Where(static e => e.UserId is not null)
            .GroupBy(static e => (User: e.UserId!, Minute: DetectionTime.Minute(e.Timestamp)))
            .Select(static g => (g.Key.User, g.Key.Minute, Count: g.Count()))
            .ToList();
        if (buckets.Count == 0)
        {
            return;
        }

        var busy = await pass.Store.CountMinutesAsync(buckets, settings.MinimumEventsPerMinute, cancellationToken).ConfigureAwait(false);
        if (busy.Count == 0)
        {
            return;
        }

        var baselineMinutes = (long)settings.BaselineWindow.TotalMinutes;
        foreach (var (user, minuteNumber, count, before) in await pass.Store.ReadBaselinesAsync(busy, baselineMinutes, cancellationToken).ConfigureAwait(false))
        {
            // count > factor × (before / minutes), kept in integers and doubles without dividing.
            if (count * (double)baselineMinutes > settings.Factor * before)
            {
                var minute = DetectionTime.MinuteStart(minuteNumber);
                pass.Report(new AlertMatch(
                    AlertRules.RateAnomaly, AlertRules.UserKey, user, AuditSeverity.Medium, minute, minute,
                    RuleDetails.Of(
                        ("factor", settings.Factor),
                        ("minimum_events_per_minute", settings.MinimumEventsPerMinute),
                        ("baseline_window_minutes", baselineMinutes)),
                    RateTally.Instance));
            }
        }
    }
}
