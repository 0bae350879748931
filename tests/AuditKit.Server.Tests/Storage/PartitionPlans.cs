namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// What the tests of PostgreSQL's time partitions share: monthly partitions from August 2024 in the class's fresh
/// database, a statement's plan as text, the partitions a plan names, and a scalar read as the superuser.
/// </summary>
internal static partial class PartitionPlans
{
    /// <summary>A partition bound the tests' events straddle.</summary>
    public static readonly DateTimeOffset Bound = new(2024, 12, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Makes the monthly partitions from August 2024 up to the server's clock.</summary>
    public static async Task EnsureMonthlyPartitionsAsync(this AuditKitServerFixture server) =>
        await server.Factory.Services.GetRequiredService<IRetentionStore>()
            .EnsurePartitionsAsync(new DateTimeOffset(2024, 8, 1, 0, 0, 0, TimeSpan.Zero), server.Time.GetUtcNow().AddDays(-40), EventPartitionPeriod.Month, default);

    /// <summary>The plan of <paramref name="command"/> (an <c>EXPLAIN</c>), one line a row.</summary>
    public static async Task<string> ReadPlanAsync(DbCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    /// <summary>The partitions of <c>audit_events</c> a plan reads, in order.</summary>
    public static List<string> Partitions(string plan) =>
        [.. PartitionName().Matches(plan).Select(static m => m.Groups[1].Value).Distinct().Order()];

    /// <summary>The first column of the first row of <paramref name="sql"/>, run as the superuser.</summary>
    public static async Task<object?> ScalarAsync(this AuditKitServerFixture server, string sql)
    {
        await using var connection = await server.OpenTamperConnectionAsync();
        return await connection.ScalarAsync(sql);
    }

    [GeneratedRegex(@"\bon (audit_events_(?:p\d{8}|default))\b")]
    private static partial Regex PartitionName();
}
