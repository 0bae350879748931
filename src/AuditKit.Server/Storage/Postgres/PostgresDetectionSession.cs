namespace AuditKit.Server.Storage.Postgres;

/// <summary>PostgreSQL's detection pass: the per-minute counts of a whole pass in one statement over arrays.</summary>
internal sealed class PostgresDetectionSession(DbConnection connection, DbTransaction transaction, string tenantId)
    : DetectionSession(connection, transaction, PostgresSqlDialect.Instance, tenantId)
{
    /// <summary>
    /// One statement for the whole pass, the buckets as three arrays, and only the busy minutes sent back. Under
    /// everyday traffic nearly every event of a pass is a bucket of its own (a user's events spread over the minute),
    /// so this statement is most of what detection costs the database.
    /// </summary>
    public override async Task<List<(string User, long Minute, long Count)>> CountMinutesAsync(
        IReadOnlyList<(string User, long Minute, int Count)> buckets, int minimum, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var busy = new List<(string User, long Minute, long Count)>();
        await using var upsert = CreateCommand(string.Empty);
        var tenant = Add(upsert, "t", TenantId);
        var users = Add(upsert, "u", buckets.Select(static b => b.User).ToArray());
        var minutes = Add(upsert, "m", buckets.Select(static b => b.Minute).ToArray());
        var counts = Add(upsert, "c", buckets.Select(static b => b.Count).ToArray());
        var least = Add(upsert, "min", minimum);
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
}
