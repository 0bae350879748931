using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace AuditKit.Benchmarks.EfCore;

/// <summary>A short job (3 warm-ups, 8 measured iterations) with allocations, median, min and CPU time per operation.</summary>
public sealed class EfCoreBenchmarkConfig : ManualConfig
{
    public EfCoreBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(8));
        AddDiagnoser(MemoryDiagnoser.Default, ProcessCpuTimeDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.Min, CpuTimeRatioColumn.Default);
    }
}
