using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AuditKit.Server.Detection.Rules;

/// <summary>
/// Rule 8 (LOW): a user with an established history — seen on at least N distinct UTC days before — seen from an IP
/// never seen for them before. Keeps the days each user was seen on and the first sighting of each user's IPs.
/// </summary>
internal sealed class NewIpRule : IDetectionRule
{
    private const int Chunk = 300;

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

        // The first sighting of each (user, IP) among the pass's events.
        var sightings = withUser.Where(static e => e.IpAddress is not null)
            .GroupBy(static e => (User: e.UserId!, Ip: e.IpAddress!))
            .Select(static g => g.OrderBy(static e => e.Timestamp).ThenBy(static e => e.Id).First())
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
                        $"UPDATE {DetectionModel.UserIpsTable} SET first_seen = {DetectionPass.Add(earlier, "f" + i, pass.Sql.Values.TimeValue(sighting.Timestamp))}, " +
                        $"first_event_id = {DetectionPass.Add(earlier, "e" + i, pass.Sql.Values.IdValue(sighting.Id))} " +
                        $"WHERE tenant_id = {DetectionPass.Add(earlier, "t" + i, pass.TenantId)} AND user_id = {DetectionPass.Add(earlier, "u" + i, sighting.UserId)} " +
                        $"AND ip_address = {DetectionPass.Add(earlier, "i" + i, sighting.IpAddress)};");
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
                $"{DetectionPass.Add(insert, "f" + i, pass.Sql.Values.TimeValue(e.Timestamp))}, {DetectionPass.Add(insert, "e" + i, pass.Sql.Values.IdValue(e.Id))})"));
            insert.CommandText =
                $"INSERT INTO {DetectionModel.UserIpsTable} (tenant_id, user_id, ip_address, first_seen, first_event_id) VALUES {values} " +
                "ON CONFLICT (tenant_id, user_id, ip_address) DO NOTHING";
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var sighting in fresh)
        {
            await using var history = pass.CreateCommand(string.Empty);
            history.CommandText =
                $"SELECT count(*) FROM {DetectionModel.UserDaysTable} WHERE tenant_id = {DetectionPass.Add(history, "t", pass.TenantId)} " +
                $"AND user_id = {DetectionPass.Add(history, "u", sighting.UserId)} AND day < {DetectionPass.Add(history, "d", DetectionTime.Day(sighting.Timestamp))}";
            var days = Convert.ToInt64(await history.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (days >= settings.MinimumHistoryDays)
            {
                pass.Report(new AlertMatch(
                    AlertRules.NewIp, AlertRules.UserKey, sighting.UserId!, AuditSeverity.Low, sighting.Timestamp, sighting.Timestamp,
                    RuleDetails.Of(("minimum_history_days", settings.MinimumHistoryDays), ("history_days", (JsonNode)days)),
                    NewIpTally.Instance));
            }
        }
    }

    private static async Task RecordDaysAsync(DetectionPass pass, List<DetectionEvent> events, CancellationToken cancellationToken)
    {
        var days = events.Select(static e => (User: e.UserId!, Day: DetectionTime.Day(e.Timestamp))).Distinct().ToList();
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
                known[(reader.GetString(0), reader.GetString(1))] = pass.Sql.Values.ReadTime(reader, 2);
            }
        }

        return known;
    }
}
