using System.Collections.Concurrent;

namespace AuditKit.Server.Detection.Rules;

/// <summary>
/// Rule 8 (LOW): a user with an established history — seen on at least N distinct UTC days before — seen from an IP
/// never seen for them before. Keeps the days each user was seen on and the first sighting of each user's IPs.
/// </summary>
/// <remarks>
/// What this process knows to be stored already (a user's IP with its first sighting, a user's day) is remembered,
/// so a busy tenant's pass does not look up the same users again and again. It learns only from passes that committed
/// and rows are never deleted, so the memory can only be behind the database, never wrong; it is bounded and simply
/// forgotten when full.
/// </remarks>
internal sealed class NewIpRule : IDetectionRule
{
    private const int MaxRemembered = 500_000;

    private readonly ConcurrentDictionary<(string Tenant, string User, string Ip), DateTimeOffset> _knownIps = new();
    private readonly ConcurrentDictionary<(string Tenant, string User, int Day), bool> _knownDays = new();

    public async Task EvaluateAsync(DetectionPass pass, CancellationToken cancellationToken)
    {
        var settings = pass.Settings.NewIp;
        if (!settings.Enabled)
        {
            return;
        }

        var withUser = pass.Events.Where(static e => e.UserId is not null).ToList();
        if (withUser.Count == 0)
        {
            return;
        }

        await RecordDaysAsync(pass, withUser, cancellationToken).ConfigureAwait(false);

        // The first sighting of each (user, IP) among the pass's events that this process does not know was earlier.
        var sightings = withUser.Where(static e => e.IpAddress is not null)
            .GroupBy(static e => (User: e.UserId!, Ip: e.IpAddress!))
            .Select(static g => g.OrderBy(static e => e.Timestamp).ThenBy(static e => e.Id).First())
            .Where(e => !(_knownIps.TryGetValue((pass.TenantId, e.UserId!, e.IpAddress!), out var first) && first <= e.Timestamp))
            .ToList();
        if (sightings.Count == 0)
        {
            return;
        }

        var known = await pass.Store.ReadKnownIpsAsync(sightings.Select(static e => e.UserId!).ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        var fresh = new List<DetectionEvent>();
        var earlier = new List<IpSighting>();
        var learned = Remember(pass);
        foreach (var sighting in sightings)
        {
            if (!known.TryGetValue((sighting.UserId!, sighting.IpAddress!), out var firstSeen))
            {
                fresh.Add(sighting);
            }
            else if (sighting.Timestamp < firstSeen)
            {
                // A late event moves the first sighting back; the IP was not new when it was first seen live.
                earlier.Add(Sighting(sighting));
                learned.Add((sighting.UserId!, sighting.IpAddress!, sighting.Timestamp));
            }
        }

        await pass.Store.MoveFirstSightingsAsync(earlier, cancellationToken).ConfigureAwait(false);
        if (fresh.Count == 0)
        {
            return;
        }

        await pass.Store.RecordFirstSightingsAsync([.. fresh.Select(Sighting)], cancellationToken).ConfigureAwait(false);
        await pass.Store.CountEarlierDaysAsync(
            [.. fresh.Select(static e => (e.UserId!, DetectionTime.Day(e.Timestamp)))],
            (i, days) =>
            {
                var sighting = fresh[i];
                learned.Add((sighting.UserId!, sighting.IpAddress!, sighting.Timestamp));
                if (days >= settings.MinimumHistoryDays)
                {
                    pass.Report(new AlertMatch(
                        AlertRules.NewIp, AlertRules.UserKey, sighting.UserId!, AuditSeverity.Low, sighting.Timestamp, sighting.Timestamp,
                        RuleDetails.Of(("minimum_history_days", settings.MinimumHistoryDays), ("history_days", (JsonNode)days)),
                        NewIpTally.Instance));
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static IpSighting Sighting(DetectionEvent e) => new(e.UserId!, e.IpAddress!, e.Timestamp, e.Id);

    /// <summary>
    /// The list of first sightings (user, IP, first seen) this pass learns, remembered once the pass has committed. They
    /// are remembered together, behind one check of the bound per pass: counting a
    /// <see cref="ConcurrentDictionary{TKey, TValue}"/> takes all of its locks, too dear to do for every sighting.
    /// </summary>
    private List<(string User, string Ip, DateTimeOffset FirstSeen)> Remember(DetectionPass pass)
    {
        var tenant = pass.TenantId;
        var learned = new List<(string User, string Ip, DateTimeOffset FirstSeen)>();
        pass.AfterCommit(() =>
        {
            if (learned.Count == 0)
            {
                return;
            }

            if (_knownIps.Count > MaxRemembered)
            {
                _knownIps.Clear();
            }

            foreach (var (user, ip, firstSeen) in learned)
            {
                _knownIps[(tenant, user, ip)] = firstSeen;
            }
        });
        return learned;
    }

    private async Task RecordDaysAsync(DetectionPass pass, List<DetectionEvent> events, CancellationToken cancellationToken)
    {
        var days = events.Select(static e => (User: e.UserId!, Day: DetectionTime.Day(e.Timestamp))).Distinct()
            .Where(d => !_knownDays.ContainsKey((pass.TenantId, d.User, d.Day)))
            .ToList();
        await pass.Store.RecordDaysAsync(days, cancellationToken).ConfigureAwait(false);

        var tenantId = pass.TenantId;
        pass.AfterCommit(() =>
        {
            if (_knownDays.Count > MaxRemembered)
            {
                _knownDays.Clear();
            }

            foreach (var (user, day) in days)
            {
                _knownDays[(tenantId, user, day)] = true;
            }
        });
    }
}
