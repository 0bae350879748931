namespace AuditKit.Server.Storage;

/// <summary>
/// Turns a pass's matches into alerts: one upsert per rule and key on the unresolved-alert index (a new alert, or the
/// existing one widened to the earliest first_seen and the latest last_seen), then a recount of each touched alert's
/// count and evidence from the stored data, all in the pass's transaction.
/// </summary>
internal static class AlertWriter
{
    private const int Chunk = 100;

    /// <summary>Writes the pass's matches; returns the alerts it touched, with whether each was newly raised.</summary>
    public static async Task<IReadOnlyList<WrittenAlert>> WriteAsync(
        DetectionSession session, IReadOnlyList<AlertMatch> matches, DateTimeOffset now, int evidenceLimit, CancellationToken cancellationToken)
    {
        var merged = matches
            .GroupBy(static m => (m.Rule, m.KeyType, m.Key))
            .Select(static g => g.First() with
            {
                FirstSeen = g.Min(static m => m.FirstSeen),
                LastSeen = g.Max(static m => m.LastSeen),
                EarliestNew = g.Any(static m => m.EarliestNew is null) ? null : g.Min(static m => m.EarliestNew),
            })
            .ToList();
        var written = new List<WrittenAlert>(merged.Count);
        var sql = session.Dialect;
        if (merged.Count == 0)
        {
            return written;
        }

        // An alert a pass only appends to (all its new events after the alert's last_seen, its first_seen unchanged)
        // gets the events of the appended span added to its count; any other change recounts the whole span. Passes of
        // a tenant are serialized, so appended spans never overlap and no event is counted twice.
        var existing = await ReadUnresolvedAsync(session, merged, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in merged.Chunk(Chunk))
        {
            var proposed = chunk.Select(m => Guid.CreateVersion7(now)).ToArray();
            await using (var upsert = session.CreateCommand(string.Empty))
            {
                var tenant = DetectionSession.Add(upsert, "t", session.TenantId);
                var at = DetectionSession.Add(upsert, "now", sql.TimeValue(now));
                var text = new StringBuilder();
                for (var i = 0; i < chunk.Length; i++)
                {
                    var m = chunk[i];
                    var n = i.ToString(CultureInfo.InvariantCulture);
                    text.Append(
                        $"INSERT INTO {DetectionModel.AlertsTable} (tenant_id, id, rule, key_type, key_value, severity, status, first_seen, last_seen, event_count, evidence, details, created_at, updated_at) " +
                        $"VALUES ({tenant}, {DetectionSession.Add(upsert, "id" + n, sql.IdValue(proposed[i]))}, {DetectionSession.Add(upsert, "r" + n, m.Rule)}, " +
                        $"{DetectionSession.Add(upsert, "kt" + n, m.KeyType)}, {DetectionSession.Add(upsert, "k" + n, m.Key)}, {DetectionSession.Add(upsert, "s" + n, (short)m.Severity)}, 0, " +
                        $"{DetectionSession.Add(upsert, "f" + n, sql.TimeValue(m.FirstSeen))}, {DetectionSession.Add(upsert, "l" + n, sql.TimeValue(m.LastSeen))}, 0, '[]', " +
                        $"{DetectionSession.Add(upsert, "d" + n, m.Details)}, {at}, {at}) " +
                        $"ON CONFLICT (tenant_id, rule, key_type, key_value) WHERE {DetectionModel.UnresolvedPredicate} DO UPDATE SET " +
                        $"first_seen = {sql.Least("alerts.first_seen", "excluded.first_seen")}, " +
                        $"last_seen = {sql.Greatest("alerts.last_seen", "excluded.last_seen")}, " +
                        "details = excluded.details, updated_at = excluded.updated_at RETURNING id, first_seen, last_seen;");
                }

                upsert.CommandText = text.ToString();
                await using var reader = await upsert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var i2 = 0;
                do
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var id = sql.ReadId(reader, 0);
                        written.Add(new WrittenAlert(id, chunk[i2], id == proposed[i2], sql.ReadTime(reader, 1), sql.ReadTime(reader, 2)));
                    }

                    i2++;
                }
                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
            }
        }

        // The numbers are recomputed from the stored data rather than incremented, so they do not depend on which
        // pass, or which server process, saw which events first.
        foreach (var chunk in written.Chunk(Chunk))
        {
            await using var recount = session.CreateCommand(string.Empty);
            recount.CommandText = RecountSql(recount, sql, session.TenantId, evidenceLimit, chunk, existing);
            await recount.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>
    /// The statements recounting <paramref name="alerts"/>' count and evidence from the stored data, their parameters
    /// added to <paramref name="recount"/>. The reads of <c>audit_events</c> are bounded by the ids each alert's stored
    /// span can hold (<see cref="AlertTally"/>), computed here from the span the upsert returned, so PostgreSQL plans
    /// them over the partitions of that span only.
    /// </summary>
    internal static string RecountSql(
        DbCommand recount, AuditSqlDialect sql, string tenantId, int evidenceLimit, IReadOnlyList<WrittenAlert> alerts,
        IReadOnlyDictionary<(string Rule, string KeyType, string Key), (DateTimeOffset FirstSeen, DateTimeOffset LastSeen)> existing)
    {
        var tenant = DetectionSession.Add(recount, "t", tenantId);
        var limit = DetectionSession.Add(recount, "n", evidenceLimit);
        var text = new StringBuilder();
        for (var i = 0; i < alerts.Count; i++)
        {
            var alert = alerts[i];
            var n = i.ToString(CultureInfo.InvariantCulture);
            var key = DetectionSession.Add(recount, "k" + n, alert.Match.Key);
            // Events stamped from the alert's first_seen to a minute after its last_seen (a rate alert's last_seen is the
            // start of its last minute): a superset of every tally's span, so the bounds never drop an event a tally counts.
            var ids = sql.IdBounds(alert.FirstSeen, alert.LastSeen.AddMinutes(1));
            var match = alert.Match;
            var count = !alert.Created
                && match.Tally.SupportsDelta
                && existing.TryGetValue((match.Rule, match.KeyType, match.Key), out var before)
                && match.EarliestNew is { } earliestNew && earliestNew > before.LastSeen && match.FirstSeen >= before.FirstSeen
                    ? "event_count + " + match.Tally.DeltaCountSql(sql, tenant, key, DetectionSession.Add(recount, "after" + n, sql.TimeValue(before.LastSeen)), ids)
                    : match.Tally.CountSql(sql, tenant, key, ids);
            text.Append(
                $"UPDATE {DetectionModel.AlertsTable} SET event_count = {count}, " +
                $"evidence = {alert.Match.Tally.EvidenceSql(sql, tenant, key, limit, ids)} " +
                $"WHERE tenant_id = {tenant} AND id = {DetectionSession.Add(recount, "id" + n, sql.IdValue(alert.Id))};");
        }

        return text.ToString();
    }

    private static async Task<Dictionary<(string Rule, string KeyType, string Key), (DateTimeOffset FirstSeen, DateTimeOffset LastSeen)>> ReadUnresolvedAsync(
        DetectionSession session, List<AlertMatch> matches, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(string, string, string), (DateTimeOffset, DateTimeOffset)>();
        await session.EachChunkAsync(
            matches.Select(static m => m.Key).Distinct(StringComparer.Ordinal),
            500,
            (command, tenant, chunk) =>
                $"SELECT rule, key_type, key_value, first_seen, last_seen FROM {DetectionModel.AlertsTable} " +
                $"WHERE tenant_id = {tenant} AND {DetectionModel.UnresolvedPredicate} " +
                $"AND key_value IN {DetectionSession.AddList(command, "k", chunk)}",
            reader => found[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = (session.Dialect.ReadTime(reader, 3), session.Dialect.ReadTime(reader, 4)),
            cancellationToken).ConfigureAwait(false);
        return found;
    }
}
