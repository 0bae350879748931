namespace AuditKit.Benchmarks.EfCore;

/// <summary>
/// The providers and sizes the EF Core benchmarks run: SQLite always, PostgreSQL when
/// <c>AUDITKIT_BENCH_POSTGRES</c> is set; 1, 100 and 1000 entities. <c>AUDITKIT_BENCH_PROVIDERS</c> (e.g.
/// <c>sqlite</c>) and <c>AUDITKIT_BENCH_ENTITIES</c> (e.g. <c>100</c>) narrow a run.
/// </summary>
public static class EfCoreBenchmarkParameters
{
    public static IEnumerable<string> Providers()
    {
        var wanted = Environment.GetEnvironmentVariable("AUDITKIT_BENCH_PROVIDERS")?.Split(',') ?? ["sqlite", "postgres"];
        if (wanted.Contains("sqlite"))
        {
            yield return "sqlite";
        }

        if (wanted.Contains("postgres") && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SaveChangesWorkload.PostgresVariable)))
        {
            yield return "postgres";
        }
    }

    public static IEnumerable<int> EntityCounts()
        => Environment.GetEnvironmentVariable("AUDITKIT_BENCH_ENTITIES") is { Length: > 0 } counts
            ? counts.Split(',').Select(int.Parse)
            : [1, 100, 1000];
}
