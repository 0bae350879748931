using Npgsql;

namespace AuditKit.LoadTool;

/// <summary>
/// What the database's client backends are doing while a phase runs: every 50 ms, the wait event of each active backend
/// of the database (other than its own) from <c>pg_stat_activity</c> is counted, "CPU" for one that waits on nothing.
/// The role needs <c>pg_read_all_stats</c> (or to be the role of the backends) to see other roles' wait events.
/// </summary>
internal sealed class WaitEventSampler : IAsyncDisposable
{
    private const string Sql =
        "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity " +
        "WHERE datname = current_database() AND backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()";

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    private WaitEventSampler(NpgsqlDataSource dataSource) => _sampling = Task.Run(() => SampleAsync(dataSource));

    public static WaitEventSampler Start(NpgsqlDataSource dataSource) => new(dataSource);

    /// <summary>Stops sampling; each wait event's share of the active-backend samples, largest first.</summary>
    public async Task<IReadOnlyList<(string WaitEvent, double Share)>> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        var total = (double)_counts.Values.Sum();
        return [.. _counts.OrderByDescending(static c => c.Value).Select(c => (c.Key, total == 0 ? 0 : c.Value / total))];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task SampleAsync(NpgsqlDataSource dataSource)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(_stop.Token);
            await using var command = new NpgsqlCommand(Sql, connection);
            while (!_stop.IsCancellationRequested)
            {
                await using (var reader = await command.ExecuteReaderAsync(_stop.Token))
                {
                    while (await reader.ReadAsync(_stop.Token))
                    {
                        var key = reader.GetString(0);
                        _counts[key] = _counts.GetValueOrDefault(key) + 1;
                    }
                }

                await Task.Delay(50, _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
