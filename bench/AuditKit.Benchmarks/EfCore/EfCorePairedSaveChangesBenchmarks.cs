using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace AuditKit.Benchmarks.EfCore;

/// <summary>
/// The same workload as <see cref="EfCoreSaveChangesBenchmarks"/>, measured in pairs: each invocation saves once
/// with each <see cref="SaveChangesVariant"/> (without auditing, and audited four ways), in rotating order, and times each save by
/// wall clock and by the thread's CPU time. On a busy, shared machine wall-clock time drifts from one benchmark to the
/// next; saves timed back to back see the same conditions, and CPU time does not count the time other processes held
/// the CPU, so these ratios are the steadier numbers. They are printed when the benchmark ends (lines starting with
/// <c>// EF paired</c>); BenchmarkDotNet's own columns here measure the saves together.
/// </summary>
[Config(typeof(EfCoreBenchmarkConfig))]
public class EfCorePairedSaveChangesBenchmarks
{
    private static readonly SaveChangesVariant[] s_variants = Enum.GetValues<SaveChangesVariant>();

    private readonly Dictionary<SaveChangesVariant, List<double>> _timings = s_variants.ToDictionary(v => v, _ => new List<double>());
    private readonly Dictionary<SaveChangesVariant, List<double>> _cpu = s_variants.ToDictionary(v => v, _ => new List<double>());
    private SaveChangesWorkload _workload = null!;
    private int _invocation;

    [ParamsSource(typeof(EfCoreBenchmarkParameters), nameof(EfCoreBenchmarkParameters.Providers))]
    public string Provider { get; set; } = "sqlite";

    [ParamsSource(typeof(EfCoreBenchmarkParameters), nameof(EfCoreBenchmarkParameters.EntityCounts))]
    public int Entities { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = new SaveChangesWorkload(Provider, Entities);

        // Each invocation is several whole saves, so BenchmarkDotNet's warm-up runs few of them: too few for the JIT to
        // move the save path past its first, unoptimized tier (30 calls, then a background recompile). On a busy
        // machine the measured saves then ran largely unoptimized code. Enough saves of every variant, and a pause
        // for the background compiler, come first.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 40; i++)
            {
                foreach (var variant in s_variants)
                {
                    _workload.Save(variant);
                }
            }

            Thread.Sleep(TimeSpan.FromSeconds(1));
        }
    }

    [Benchmark]
    public int SaveChanges_paired()
    {
        var saved = 0;
        var first = _invocation++ % s_variants.Length;
        for (var i = 0; i < s_variants.Length; i++)
        {
            var variant = s_variants[(first + i) % s_variants.Length];
            var cpu = ThreadCpuClock.NowMicroseconds();
            var started = Stopwatch.GetTimestamp();
            saved += _workload.Save(variant);
            _timings[variant].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            _cpu[variant].Add(ThreadCpuClock.NowMicroseconds() - cpu);
        }

        return saved;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _workload.Dispose();
        var baseline = Median(_timings[SaveChangesVariant.Plain]);
        var cpuBaseline = Median(_cpu[SaveChangesVariant.Plain]);
        foreach (var variant in s_variants)
        {
            var median = Median(_timings[variant]);
            var cpu = Median(_cpu[variant]);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"// EF paired {Provider} entities={Entities} {variant}: saves={_timings[variant].Count} median={median:F1} us ratio={median / baseline:F3} thread-cpu median={cpu:F1} us cpu-ratio={cpu / cpuBaseline:F3}"));
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
