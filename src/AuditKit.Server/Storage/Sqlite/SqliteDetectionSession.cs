namespace AuditKit.Server.Storage.Sqlite;

/// <summary>SQLite's detection pass: the per-minute counts in portable SQL, a chunk of buckets at a time.</summary>
internal sealed class SqliteDetectionSession(DbConnection connection, DbTransaction transaction, string tenantId)
    : DetectionSession(connection, transaction, SqliteSqlDialect.Instance, tenantId)
{
    /// <summary>Chunks of <see cref="DetectionSession.Chunk"/> buckets, every count sent back (no arrays to bind).</summary>
    public override async Task<List<(string User, long Minute, long Count)>> CountMinutesAsync(
        IReadOnlyList<(string User, long Minute, int Count)> buckets, int minimum, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var busy = new List<(string User, long Minute, long Count)>();
        await EachChunkAsync(
            buckets,
            Chunk,
            (upsert, tenant, chunk) =>
            {
                var values = string.Join(", ", chunk.Select((b, i) =>
                    $"({tenant}, {Add(upsert, "u" + i, b.User)}, {Add(upsert, "m" + i, b.Minute)}, {Add(upsert, "c" + i, b.Count)})"));
                return $"INSERT INTO {DetectionModel.UserMinutesTable} (tenant_id, user_id, minute, event_count) VALUES {values} " +
                    $"ON CONFLICT (tenant_id, user_id, minute) DO UPDATE SET event_count = {DetectionModel.UserMinutesTable}.event_count + excluded.event_count " +
                    "RETURNING user_id, minute, event_count";
            },
            reader =>
            {
                var count = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
                if (count >= minimum)
                {
                    busy.Add((reader.GetString(0), reader.GetInt64(1), count));
                }
            },
            cancellationToken).ConfigureAwait(false);
        return busy;
    }
}
