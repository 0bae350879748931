using Microsoft.Extensions.Logging.Abstractions;

namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// The replica check of <see cref="PostgresConnections"/> is single-flight: when it is due, concurrent reads run the lag
/// query once; the others use the last answer (or, before the first, wait for the one in flight). The "replica" is a
/// real database of the test server that is not a standby, so every answer sends reads to the primary; the lag queries
/// are counted from Npgsql's own command tracing, by the replica's database name.
/// </summary>
public sealed class ReplicaCheckSingleFlightTests : IAsyncLifetime
{
    private const int Readers = 24;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<string> _checks = new();
    private string _primary = null!;
    private string _replica = null!;
    private string _replicaDatabase = null!;
    private ActivityListener? _listener;

    public async Task InitializeAsync()
    {
        _primary = await TestPostgres.CreateDatabaseAsync("rpri");
        _replica = await TestPostgres.CreateDatabaseAsync("rrep");
        _replicaDatabase = new NpgsqlConnectionStringBuilder(_replica).Database!;
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == "Npgsql",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var tags = activity.TagObjects.Select(static t => t.Value?.ToString() ?? "").ToList();
                if (tags.Contains(_replicaDatabase) && tags.Any(static t => t.Contains("pg_is_in_recovery", StringComparison.Ordinal)))
                {
                    _checks.Enqueue(activity.DisplayName);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task DisposeAsync()
    {
        _listener?.Dispose();
        NpgsqlConnection.ClearAllPools();
        await TestPostgres.DropDatabaseAsync(_primary);
        await TestPostgres.DropDatabaseAsync(_replica);
    }

    [Fact]
    public async Task Concurrent_reads_when_the_check_is_due_run_the_lag_query_once()
    {
        await using var primary = NpgsqlDataSource.Create(_primary);
        await using var connections = new PostgresConnections(
            primary, NpgsqlDataSource.Create(_replica), TimeSpan.FromSeconds(5), _time, metrics: null, NullLogger<PostgresConnections>.Instance);

        // The first reads, all at once before any answer: one check, the others wait for its answer.
        await ReadConcurrentlyAsync(connections);
        _checks.Count.ShouldBe(1);
        connections.LastState.ShouldBe(ReadReplicaState.NotStandby);

        // Within the interval nobody checks.
        await ReadConcurrentlyAsync(connections);
        _checks.Count.ShouldBe(1);

        // Due again: one check for the whole burst, the others use the last answer.
        _time.Advance(PostgresConnections.CheckInterval + TimeSpan.FromMilliseconds(1));
        await ReadConcurrentlyAsync(connections);
        _checks.Count.ShouldBe(2);
    }

    private static async Task ReadConcurrentlyAsync(PostgresConnections connections)
    {
        var reads = Enumerable.Range(0, Readers).Select(_ => connections.OpenAsync(ConnectionIntent.Read, CancellationToken.None).AsTask()).ToList();
        foreach (var connection in await Task.WhenAll(reads))
        {
            connection.Database.ShouldNotBeNull();
            await connection.DisposeAsync();
        }
    }
}
