using BenchmarkDotNet.Attributes;

namespace AuditKit.Benchmarks.EfCore;

/// <summary>
/// SaveChanges of 1, 100 and 1000 modified entities with the audit interceptor against the same without it (the
/// baseline), on a SQLite file and on PostgreSQL: time, CPU time and allocations per SaveChanges. See
/// <see cref="SaveChangesWorkload"/> for the workload and <see cref="EfCoreBenchmarkParameters"/> for the switches.
/// </summary>
[Config(typeof(EfCoreBenchmarkConfig))]
public class EfCoreSaveChangesBenchmarks
{
    private SaveChangesWorkload _workload = null!;

    [ParamsSource(typeof(EfCoreBenchmarkParameters), nameof(EfCoreBenchmarkParameters.Providers))]
    public string Provider { get; set; } = "sqlite";

    [ParamsSource(typeof(EfCoreBenchmarkParameters), nameof(EfCoreBenchmarkParameters.EntityCounts))]
    public int Entities { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = new SaveChangesWorkload(Provider, Entities);

    [Benchmark(Baseline = true)]
    public int SaveChanges_without_auditing() => _workload.Save(SaveChangesVariant.Plain);

    [Benchmark]
    public int SaveChanges_with_auditing() => _workload.Save(SaveChangesVariant.Audited);

    /// <summary>Auditing without bulk command capture (<c>CaptureBulkOperations = false</c>).</summary>
    [Benchmark]
    public int SaveChanges_with_auditing_no_bulk_capture() => _workload.Save(SaveChangesVariant.AuditedNoBulkCapture);

    /// <summary>Auditing through <c>AddInterceptors(GetAuditingInterceptors())</c>: bulk commands seen by a command interceptor.</summary>
    [Benchmark]
    public int SaveChanges_with_auditing_command_interceptor() => _workload.Save(SaveChangesVariant.AuditedWithCommandInterceptor);

    /// <summary>Auditing on the public path taken where the EF Core internals it uses are not found.</summary>
    [Benchmark]
    public int SaveChanges_with_auditing_fallback() => _workload.Save(SaveChangesVariant.AuditedFallback);

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();
}
