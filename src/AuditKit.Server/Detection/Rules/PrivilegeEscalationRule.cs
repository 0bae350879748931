namespace AuditKit.Server.Detection.Rules;

/// <summary>
/// Rule 7: a user granting a role or permission to themselves, or a grantee performing HIGH or CRITICAL actions
/// within the window after being granted one. A grant is a <c>ROLE_ASSIGN</c> or <c>PERMISSION_GRANT</c> whose
/// resource is the user (<c>resource_type</c> <c>User</c> or missing, <c>resource_id</c> the grantee).
/// </summary>
internal sealed class PrivilegeEscalationRule : IDetectionRule
{
    public async Task EvaluateAsync(DetectionPass pass, CancellationToken cancellationToken)
    {
        var settings = pass.Settings.PrivilegeEscalation;
        if (!settings.Enabled)
        {
            return;
        }

        var relevant = pass.Events.Where(static e => e.Grantee is not null || (e.UserId is not null && e.Severity >= AuditSeverity.High)).ToList();
        if (relevant.Count == 0)
        {
            return;
        }

        var users = relevant.Select(static e => e.Grantee ?? e.UserId!)
            .Concat(relevant.Where(static e => e.Grantee is not null && e.UserId is not null && e.Severity >= AuditSeverity.High).Select(static e => e.UserId!))
            .ToHashSet(StringComparer.Ordinal);
        var from = relevant.Min(static e => e.Timestamp) - settings.Window;
        var to = relevant.Max(static e => e.Timestamp) + settings.Window;

        // Grants are rare: look for them first and read the grantees' actions only when there are any.
        var grants = await pass.ReadRowsAsync(StoredEventFilter.GrantsByGrantee, users, from, to, cancellationToken).ConfigureAwait(false);
        if (grants.Count == 0)
        {
            return;
        }

        var actions = await pass.ReadRowsAsync(StoredEventFilter.HighSeverityByUser, grants.Keys, from, to, cancellationToken).ConfigureAwait(false);
        foreach (var (grantee, granted) in grants)
        {
            DateTimeOffset? first = null;
            DateTimeOffset last = default;
            void Extend(DateTimeOffset start, DateTimeOffset end)
            {
                first = first is { } f && f <= start ? f : start;
                last = end > last ? end : last;
            }

            foreach (var grant in granted.Where(g => g.IsNew && g.UserId == grantee))
            {
                Extend(grant.Timestamp, grant.Timestamp);
            }

            if (actions.TryGetValue(grantee, out var performed))
            {
                foreach (var grant in granted)
                {
                    foreach (var action in performed)
                    {
                        if (action.Id != grant.Id && action.Timestamp >= grant.Timestamp && action.Timestamp - grant.Timestamp <= settings.Window
                            && (grant.IsNew || action.IsNew))
                        {
                            Extend(grant.Timestamp, action.Timestamp);
                        }
                    }
                }
            }

            if (first is { } firstSeen)
            {
                pass.Report(new AlertMatch(
                    AlertRules.PrivilegeEscalation, AlertRules.UserKey, grantee, AuditSeverity.Critical, firstSeen, last,
                    RuleDetails.Of(("window_seconds", settings.Window.TotalSeconds)), EventTally.PrivilegeEscalation));
            }
        }
    }
}
