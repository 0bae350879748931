using System.Diagnostics;

namespace AuditKit.LoadTool;

/// <summary>One measured phase: concurrent senders draining a fixed list of batches until it is empty or time is up.</summary>
internal static class LoadRun
{
    public static CpuMeter Cpu { get; set; } = new(null, null);

    public static async Task<PhaseResult> RunAsync(
        string name, int batches, int senders, TimeSpan limit, Func<int, CancellationToken, Task<int>> sendBatch)
    {
        var cpuBefore = Cpu.Sample();
        using var deadline = new CancellationTokenSource(limit);
        var next = -1;
        long rows = 0;
        var stopwatch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            int index;
            while (!deadline.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < batches)
            {
                var stored = await sendBatch(index, CancellationToken.None);
                Interlocked.Add(ref rows, stored);
            }
        }));
        await Task.WhenAll(tasks);
        stopwatch.Stop();
        var cpuAfter = Cpu.Sample();
        return new PhaseResult(name, rows, stopwatch.Elapsed, deadline.IsCancellationRequested, cpuAfter.PerThousandEvents(cpuBefore, rows))
        {
            CpuMs = cpuAfter.MsPerThousandEvents(cpuBefore, rows),
        };
    }
}

/// <summary>What a phase achieved.</summary>
internal sealed record PhaseResult(string Name, long Rows, TimeSpan Elapsed, bool TimedOut, string CpuPerThousand)
{
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;

    /// <summary>CPU milliseconds per 1000 events of the tool, the server and PostgreSQL (null when not read).</summary>
    public (double? Tool, double? Server, double? Postgres) CpuMs { get; init; }
}
