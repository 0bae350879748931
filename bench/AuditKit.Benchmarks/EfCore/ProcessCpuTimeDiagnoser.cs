using System.Collections.Concurrent;
using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;

namespace AuditKit.Benchmarks.EfCore;

/// <summary>
/// Reports the CPU time the benchmark process spent (every thread: the workload, the GC, finalizers) over the actual
/// workload iterations, per operation. Wall-clock time on a shared machine swings with whatever else runs; CPU time
/// much less, so the CPU-time ratio against the baseline is the steadier measure of what a feature costs.
/// </summary>
public sealed class ProcessCpuTimeDiagnoser : IDiagnoser
{
    public const string MetricId = "ProcessCpuTime";

    public static readonly ProcessCpuTimeDiagnoser Default = new();

    private readonly ConcurrentDictionary<BenchmarkCase, TimeSpan> _started = new();
    private readonly ConcurrentDictionary<BenchmarkCase, TimeSpan> _spent = new();

    public IEnumerable<string> Ids => [MetricId];

    public IEnumerable<IExporter> Exporters => [];

    public IEnumerable<IAnalyser> Analysers => [];

    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => RunMode.NoOverhead;

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters)
    {
        if (signal is not (HostSignal.BeforeActualRun or HostSignal.AfterActualRun))
        {
            return;
        }

        parameters.Process.Refresh();
        var now = parameters.Process.TotalProcessorTime;
        if (signal == HostSignal.BeforeActualRun)
        {
            _started[parameters.BenchmarkCase] = now;
        }
        else if (_started.TryGetValue(parameters.BenchmarkCase, out var started))
        {
            _spent[parameters.BenchmarkCase] = now - started;
        }
    }

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results)
    {
        if (_spent.TryGetValue(results.BenchmarkCase, out var spent) && results.TotalOperations > 0)
        {
            yield return new Metric(CpuTimeDescriptor.Instance, spent.TotalNanoseconds / results.TotalOperations);
        }
    }

    public void DisplayResults(ILogger logger)
    {
    }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) => [];

    private sealed class CpuTimeDescriptor : IMetricDescriptor
    {
        public static readonly CpuTimeDescriptor Instance = new();

        public string Id => MetricId;

        public string DisplayName => "CPU/op";

        public string Legend => "CPU time of the benchmark process (all threads) per operation, over the actual workload iterations";

        public string NumberFormat => "N0";

        public UnitType UnitType => UnitType.Time;

        public string Unit => "ns";

        public bool TheGreaterTheBetter => false;

        public int PriorityInCategory => 0;

        public bool GetIsAvailable(Metric metric) => true;
    }
}

/// <summary>The CPU time per operation of a benchmark divided by its baseline's, in the same run.</summary>
public sealed class CpuTimeRatioColumn : IColumn
{
    public static readonly CpuTimeRatioColumn Default = new();

    public string Id => "CpuRatio";

    public string ColumnName => "CPU Ratio";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Metric;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "CPU/op divided by the baseline's CPU/op";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        if (baseline is null || !summary.HasReport(benchmarkCase) || !summary.HasReport(baseline)
            || !summary[benchmarkCase]!.Metrics.TryGetValue(ProcessCpuTimeDiagnoser.MetricId, out var value)
            || !summary[baseline]!.Metrics.TryGetValue(ProcessCpuTimeDiagnoser.MetricId, out var reference)
            || reference.Value <= 0)
        {
            return "?";
        }

        return (value.Value / reference.Value).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
