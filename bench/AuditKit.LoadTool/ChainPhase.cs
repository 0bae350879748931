using System.Globalization;
using AuditKit.Server.Storage;
using AuditKit.Server.Storage.Postgres;
using Npgsql;

namespace AuditKit.LoadTool;

/// <summary>
/// What the hash chain costs ingest, in the same build and run: the store with the chain (as the server runs it) and
/// the same store with the chain switched off (no canonical bytes, no head lock, read or save, the chain's columns
/// NULL, seq from a counter of the process, no group commit), alternating for --rounds rounds and swapping which goes first, a fresh
/// tenant per round and variant, the tables truncated between. For a fair "without", the chain's unique
/// <c>(tenant_id, seq)</c> index is dropped for those rounds and created again after them.
/// </summary>
internal static class ChainPhase
{
    private const string SeqIndex = "ux_audit_events_tenant_seq";

    public static async Task RunAsync(
        LoadOptions options, NpgsqlDataSource dataSource, NpgsqlDataSource ddl, List<List<AuditEvent>> events, string tenant,
        Func<Task> truncate, List<PhaseResult> results)
    {
        string definition;
        await using (var read = ddl.CreateCommand($"SELECT indexdef FROM pg_indexes WHERE tablename = 'audit_events' AND indexname = '{SeqIndex}'"))
        {
            definition = (string?)await read.ExecuteScalarAsync() ?? throw new InvalidOperationException($"The index {SeqIndex} is missing.");
        }

        async Task SetIndexAsync(bool present)
        {
            // Unique on one table; a plain index on a partitioned one, whose definition reads ON ONLY (the parent's index
            // alone): made again over every partition.
            await using var command = ddl.CreateCommand(
                present
                    ? definition.Replace(" INDEX ", " INDEX IF NOT EXISTS ", StringComparison.Ordinal).Replace(" ON ONLY ", " ON ", StringComparison.Ordinal)
                    : $"DROP INDEX IF EXISTS {SeqIndex}");
            await command.ExecuteNonQueryAsync();
        }

        // Both stores built alike. With the chain as the server runs it (group commit on unless --no-group-commit);
        // without it, no group commit either: it exists because a tenant's writes wait for its head, and with no head
        // one tenant's writers go to the database side by side, as they did before the chain.
        var stores = new Dictionary<bool, PostgresAuditEventStore>
        {
            [true] = new(dataSource) { GroupCommit = !options.NoGroupCommit },
            [false] = new(dataSource) { GroupCommit = false, Chain = false },
        };
        var shape = string.Create(CultureInfo.InvariantCulture,
            $"{options.Senders} sender(s), {options.Tenants} tenant(s), batches of {options.BatchSize}, with the chain {(options.NoGroupCommit ? "without" : "with")} group commit");
        Console.WriteLine($"chain: {shape}; without the chain: no group commit, the index {SeqIndex} dropped for the round (created again after)");
        // Unmeasured first: a few batches of each variant, so neither round 1 pays the JIT and the pools' warm-up.
        foreach (var chained in new[] { false, true })
        {
            await SetIndexAsync(chained);
            var warmUp = Math.Min(events.Count, 3 * options.Senders);
            await LoadRun.RunAsync("warm-up", warmUp, options.Senders, TimeSpan.FromSeconds(options.Seconds), async (index, ct) =>
                (await stores[chained].InsertAsync($"{tenant}-warm-up-{chained}", events[index], DateTimeOffset.UtcNow, AuditInsertHooks.None, ct)).Count);
        }

        var rates = new Dictionary<bool, List<PhaseResult>> { [true] = [], [false] = [] };
        var waits = new Dictionary<bool, Dictionary<string, double>> { [true] = [], [false] = [] };
        try
        {
            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var chained in round % 2 == 1 ? new[] { false, true } : [true, false])
                {
                    await truncate();
                    await SetIndexAsync(chained);
                    var store = stores[chained];
                    var variant = chained ? "chain" : "nochain";
                    var sampler = WaitEventSampler.Start(ddl);
                    PhaseResult result;
                    try
                    {
                        result = await LoadRun.RunAsync(
                            $"round {round}: store, {(chained ? "with" : "without")} the chain", events.Count, options.Senders,
                            TimeSpan.FromSeconds(options.Seconds), async (index, ct) =>
                            {
                                var batchTenant = options.Tenants == 1 ? $"{tenant}-{round}-{variant}" : $"{tenant}-{round}-{variant}-{index % options.Tenants}";
                                var outcomes = await store.InsertAsync(batchTenant, events[index], DateTimeOffset.UtcNow, AuditInsertHooks.None, ct);
                                return outcomes.Count(static o => o == AuditInsertOutcome.Inserted);
                            });
                    }
                    finally
                    {
                        foreach (var (wait, share) in await sampler.StopAsync())
                        {
                            waits[chained][wait] = waits[chained].GetValueOrDefault(wait) + (share / options.Rounds);
                        }

                        await sampler.DisposeAsync();
                    }

                    results.Add(result);
                    rates[chained].Add(result);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {result.Name}: {result.RowsPerSecond:F0} rows/s, CPU ms per 1000 events tool / pg: {result.CpuPerThousand.Trim()}; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
                }
            }
        }
        finally
        {
            await SetIndexAsync(present: true);
        }

        static string Mean(IEnumerable<double?> values) =>
            values.All(static v => v is not null) ? values.Average(static v => v!.Value).ToString("F0", CultureInfo.InvariantCulture) : "-";
        var with = rates[true].Average(static r => r.RowsPerSecond);
        var without = rates[false].Average(static r => r.RowsPerSecond);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store with / without the chain (mean of {options.Rounds} rounds; {shape}; without: no group commit, {SeqIndex} dropped): {with:F0} / {without:F0} = {with / without:F3}x"));
        var perRound = rates[true].Zip(rates[false], static (w, o) => w.RowsPerSecond / o.RowsPerSecond).ToList();
        var sorted = perRound.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  per round with / without: {string.Join(", ", perRound.Select(static r => r.ToString("F2", CultureInfo.InvariantCulture)))} (median {median:F3}x)"));
        foreach (var chained in new[] { true, false })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(chained ? "with   " : "without")}: CPU ms per 1000 events, tool {Mean(rates[chained].Select(static r => r.CpuMs.Tool))}, PostgreSQL {Mean(rates[chained].Select(static r => r.CpuMs.Postgres))}; " +
                $"active backends' wait events: {string.Join(", ", waits[chained].OrderByDescending(static w => w.Value).Take(5).Select(static w => $"{w.Key} {w.Value:P0}"))}"));
        }
    }
}
