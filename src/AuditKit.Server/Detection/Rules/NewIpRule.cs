using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AuditKit.Server.Storage;

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
    private const int Chunk = 300;
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

        var known = await ReadKnownAsync(pass, sightings.Select(static e => e.UserId!).ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        var fresh = new List<DetectionEvent>();
        await using (var earlier = pass.CreateCommand(string.Empty))
        {
            var text = new StringBuilder();
            foreach (var sighting in sightings)
            {
                if (!known.TryGetValue((sighting.UserId!, sighting.IpAddress!), out var firstSeen))
                {
                    fresh.Add(sighting);
                }
                else if (sighting.Timestamp < firstSeen)
                {
                    // A late event moves the first sighting back; the IP was not new when it was first seen live.
                    var i = earlier.Parameters.Count.ToString(CultureInfo.InvariantCulture);
                    text.Append(
                        $"UPDATE {DetectionModel.UserIpsTable} SET first_seen = {DetectionPass.Add(earlier, "f" + i, pass.Sql.TimeValue(sighting.Timestamp))}, " +
                        $"first_event_id = {DetectionPass.Add(earlier, "e" + i, pass.Sql.IdValue(sighting.Id))} " +
                        $"WHERE tenant_id = {DetectionPass.Add(earlier, "t" + i, pass.TenantId)} AND user_id = {DetectionPass.Add(earlier, "u" + i, sighting.UserId)} " +
                        $"AND ip_address = {DetectionPass.Add(earlier, "i" + i, sighting.IpAddress)};");
                    Remember(pass, sighting.UserId!, sighting.IpAddress!, sighting.Timestamp);
                }
            }

            if (text.Length > 0)
            {
                earlier.CommandText = text.ToString();
                await earlier.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (fresh.Count == 0)
        {
            return;
        }

        foreach (var chunk in fresh.Chunk(Chunk))
        {
            await using var insert = pass.CreateCommand(string.Empty);
            var tenant = DetectionPass.Add(insert, "t", pass.TenantId);
            var values = string.Join(", ", chunk.Select((e, i) =>
                $"({tenant}, {DetectionPass.Add(insert, "u" + i, e.UserId)}, {DetectionPass.Add(insert, "i" + i, e.IpAddress)}, " +
                $"{DetectionPass.Add(insert, "f" + i, pass.Sql.TimeValue(e.Timestamp))}, {DetectionPass.Add(insert, "e" + i, pass.Sql.IdValue(e.Id))})"));
            insert.CommandText =
                $"INSERT INTO {DetectionModel.UserIpsTable} (tenant_id, user_id, ip_address, first_seen, first_event_id) VALUES {values} " +
                "ON CONFLICT (tenant_id, user_id, ip_address) DO NOTHING";
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var chunk in fresh.Chunk(Chunk))
        {
            await using var history = pass.CreateCommand(string.Empty);
            var tenant = DetectionPass.Add(history, "t", pass.TenantId);
            var values = string.Join(", ", chunk.Select((e, i) =>
                $"({DetectionPass.Add(history, "n" + i, i)}, {DetectionPass.Add(history, "u" + i, e.UserId)}, {DetectionPass.Add(history, "d" + i, DetectionTime.Day(e.Timestamp))})"));
            history.CommandText =
                $"WITH f(n, user_id, day) AS (VALUES {values}) SELECT f.n, (SELECT count(*) FROM {DetectionModel.UserDaysTable} d " +
                $"WHERE d.tenant_id = {tenant} AND d.user_id = f.user_id AND d.day < f.day) FROM f";
            await using var reader = await history.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var sighting = chunk[Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)];
                var days = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                Remember(pass, sighting.UserId!, sighting.IpAddress!, sighting.Timestamp);
                if (days >= settings.MinimumHistoryDays)
                {
                    pass.Report(new AlertMatch(
                        AlertRules.NewIp, AlertRules.UserKey, sighting.UserId!, AuditSeverity.Low, sighting.Timestamp, sighting.Timestamp,
                        RuleDetails.Of(("minimum_history_days", settings.MinimumHistoryDays), ("history_days", (JsonNode)days)),
                        NewIpTally.Instance));
                }
            }
        }
    }

    private void Remember(DetectionPass pass, string user, string ip, DateTimeOffset firstSeen)
    {
        var tenant = pass.TenantId;
        pass.AfterCommit(() =>
        {
            if (_knownIps.Count > MaxRemembered)
            {
                _knownIps.Clear();
            }

            _knownIps[(tenant, user, ip)] = firstSeen;
        });
    }

    private async Task RecordDaysAsync(DetectionPass pass, List<DetectionEvent> events, CancellationToken cancellationToken)
    {
        var days = events.Select(static e => (User: e.UserId!, Day: DetectionTime.Day(e.Timestamp))).Distinct()
            .Where(d => !_knownDays.ContainsKey((pass.TenantId, d.User, d.Day)))
            .ToList();
        foreach (var chunk in days.Chunk(Chunk))
        {
            await using var insert = pass.CreateCommand(string.Empty);
            var tenant = DetectionPass.Add(insert, "t", pass.TenantId);
            var values = string.Join(", ", chunk.Select((d, i) =>
                $"({tenant}, {DetectionPass.Add(insert, "u" + i, d.User)}, {DetectionPass.Add(insert, "d" + i, d.Day)})"));
            insert.CommandText =
                $"INSERT INTO {DetectionModel.UserDaysTable} (tenant_id, user_id, day) VALUES {values} ON CONFLICT (tenant_id, user_id, day) DO NOTHING";
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

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

    private static async Task<Dictionary<(string User, string Ip), DateTimeOffset>> ReadKnownAsync(
        DetectionPass pass, IReadOnlyCollection<string> users, CancellationToken cancellationToken)
    {
        var known = new Dictionary<(string, string), DateTimeOffset>();
        foreach (var chunk in users.Chunk(500))
        {
            await using var select = pass.CreateCommand(string.Empty);
            select.CommandText =
                $"SELECT user_id, ip_address, first_seen FROM {DetectionModel.UserIpsTable} " +
                $"WHERE tenant_id = {DetectionPass.Add(select, "t", pass.TenantId)} AND user_id IN {DetectionPass.AddList(select, "u", chunk)}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                known[(reader.GetString(0), reader.GetString(1))] = pass.Sql.ReadTime(reader, 2);
            }
        }

        return known;
    }
}
