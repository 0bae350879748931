using System.Globalization;
using AuditKit.Server.Storage;

namespace AuditKit.Server.Detection.Rules;

/// <summary>
/// Rule 9 (MEDIUM): a minute in which a user's events number at least the configured minimum and exceed their own
/// baseline — their average events per minute over the baseline window before that minute — by the configured factor.
/// Keeps per-user, per-minute event counts.
/// </summary>
internal sealed class RateAnomalyRule : IDetectionRule
{
    private const int Chunk = 300;

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

        var busy = pass.Sql.BindsArrays
            ? await CountPostgresAsync(pass, buckets, settings.MinimumEventsPerMinute, cancellationToken).ConfigureAwait(false)
            : await CountAsync(pass, buckets, settings.MinimumEventsPerMinute, cancellationToken).ConfigureAwait(false);

        if (busy.Count == 0)
        {
            return;
        }

        var baselineMinutes = (long)settings.BaselineWindow.TotalMinutes;
        foreach (var chunk in busy.Chunk(Chunk))
        {
            await using var baseline = pass.CreateCommand(string.Empty);
            var tenant = DetectionPass.Add(baseline, "t", pass.TenantId);
            var span = DetectionPass.Add(baseline, "b", baselineMinutes);
            var values = string.Join(", ", chunk.Select((b, i) =>
                $"({DetectionPass.Add(baseline, "u" + i, b.User)}, {DetectionPass.Add(baseline, "m" + i, b.Minute)}, {DetectionPass.Add(baseline, "c" + i, b.Count)})"));
            baseline.CommandText =
                $"WITH busy(user_id, minute, event_count) AS (VALUES {values}) " +
                "SELECT busy.user_id, busy.minute, busy.event_count, " +
                $"(SELECT coalesce(sum(m.event_count), 0) FROM {DetectionModel.UserMinutesTable} m WHERE m.tenant_id = {tenant} AND m.user_id = busy.user_id " +
                $"AND m.minute >= busy.minute - {span} AND m.minute < busy.minute) FROM busy";
            await using var reader = await baseline.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var count = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
                var before = Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture);

                // count > factor × (before / minutes), kept in integers and doubles without dividing.
                if (count * (double)baselineMinutes > settings.Factor * before)
                {
                    var minute = DetectionTime.MinuteStart(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
                    pass.Report(new AlertMatch(
                        AlertRules.RateAnomaly, AlertRules.UserKey, reader.GetString(0), AuditSeverity.Medium, minute, minute,
                        RuleDetails.Of(
                            ("factor", settings.Factor),
                            ("minimum_events_per_minute", settings.MinimumEventsPerMinute),
                            ("baseline_window_minutes", baselineMinutes)),
                        RateTally.Instance));
                }
            }
        }
    }

    /// <summary>
    /// Adds the pass's events to their users' minutes and returns the minutes that reached <paramref name="minimum"/>:
    /// one statement for the whole pass, the buckets as three arrays, and only the busy minutes sent back. Under
    /// everyday traffic nearly every event of a pass is a bucket of its own (a user's events spread over the minute),
    /// so this statement is most of what detection costs the database.
    /// </summary>
    private static async Task<List<(string User, long Minute, long Count)>> CountPostgresAsync(
        DetectionPass pass, List<(string User, long Minute, int Count)> buckets, int minimum, CancellationToken cancellationToken)
    {
        var busy = new List<(string User, long Minute, long Count)>();
        await using var upsert = pass.CreateCommand(string.Empty);
        var tenant = DetectionPass.Add(upsert, "t", pass.TenantId);
        var users = DetectionPass.Add(upsert, "u", buckets.Select(static b => b.User).ToArray());
        var minutes = DetectionPass.Add(upsert, "m", buckets.Select(static b => b.Minute).ToArray());
        var counts = DetectionPass.Add(upsert, "c", buckets.Select(static b => b.Count).ToArray());
        var least = DetectionPass.Add(upsert, "min", minimum);
        upsert.CommandText =
            $"WITH counted AS (INSERT INTO {DetectionModel.UserMinutesTable} (tenant_id, user_id, minute, event_count) " +
            $"SELECT {tenant}, b.user_id, b.minute, b.event_count FROM unnest({users}::text[], {minutes}::bigint[], {counts}::integer[]) AS b(user_id, minute, event_count) " +
            $"ON CONFLICT (tenant_id, user_id, minute) DO UPDATE SET event_count = {DetectionModel.UserMinutesTable}.event_count + excluded.event_count " +
            $"RETURNING user_id, minute, event_count) SELECT user_id, minute, event_count FROM counted WHERE event_count >= {least}";
        await using var reader = await upsert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            busy.Add((reader.GetString(0), reader.GetInt64(1), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture)));
        }

        return busy;
    }

    /// <summary>The same in portable SQL (SQLite): chunks of <see cref="Chunk"/> buckets, every count sent back.</summary>
    private static async Task<List<(string User, long Minute, long Count)>> CountAsync(
        DetectionPass pass, List<(string User, long Minute, int Count)> buckets, int minimum, CancellationToken cancellationToken)
    {
        var busy = new List<(string User, long Minute, long Count)>();
        foreach (var chunk in buckets.Chunk(Chunk))
        {
            await using var upsert = pass.CreateCommand(string.Empty);
            var tenant = DetectionPass.Add(upsert, "t", pass.TenantId);
            var values = string.Join(", ", chunk.Select((b, i) =>
                $"({tenant}, {DetectionPass.Add(upsert, "u" + i, b.User)}, {DetectionPass.Add(upsert, "m" + i, b.Minute)}, {DetectionPass.Add(upsert, "c" + i, b.Count)})"));
            upsert.CommandText =
                $"INSERT INTO {DetectionModel.UserMinutesTable} (tenant_id, user_id, minute, event_count) VALUES {values} " +
                $"ON CONFLICT (tenant_id, user_id, minute) DO UPDATE SET event_count = {DetectionModel.UserMinutesTable}.event_count + excluded.event_count " +
                "RETURNING user_id, minute, event_count";
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var count = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
                if (count >= minimum)
                {
                    busy.Add((reader.GetString(0), reader.GetInt64(1), count));
                }
            }
        }

        return busy;
    }
}
