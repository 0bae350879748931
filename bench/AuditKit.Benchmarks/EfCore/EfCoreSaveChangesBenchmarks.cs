using AuditKit.Masking;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuditKit.Benchmarks.EfCore;

/// <summary>
/// SaveChanges of 1, 100 and 1000 modified entities with the audit interceptor against the same without it (the
/// baseline), on a SQLite file and on PostgreSQL. Events go to a sink that only counts them, so the numbers are the
/// interceptor's cost (capture, diff, masking, event building), not delivery.
/// </summary>
/// <remarks>
/// PostgreSQL runs only when <c>AUDITKIT_BENCH_POSTGRES</c> holds the connection string of a server where a
/// throwaway database may be created and dropped.
/// </remarks>
[Config(typeof(EfCoreBenchmarkConfig))]
public class EfCoreSaveChangesBenchmarks
{
    private const string PostgresVariable = "AUDITKIT_BENCH_POSTGRES";

    private BenchContext _plain = null!;
    private BenchContext _audited = null!;
    private BenchContext _auditedNoBulk = null!;
    private List<BenchCustomer> _plainRows = null!;
    private List<BenchCustomer> _auditedRows = null!;
    private List<BenchCustomer> _auditedNoBulkRows = null!;
    private ServiceProvider _services = null!;
    private ServiceProvider _servicesNoBulk = null!;
    private string _connectionString = null!;
    private string? _sqliteFile;
    private int _round;

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "sqlite";

    [Params(1, 100, 1000)]
    public int Entities { get; set; }

    public static IEnumerable<string> Providers()
    {
        yield return "sqlite";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresVariable)))
        {
            yield return "postgres";
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        _connectionString = Provider == "sqlite" ? CreateSqlite() : CreatePostgres();
        _services = new ServiceCollection()
            .AddSingleton<IAuditSink, CountingAuditSink>()
            .AddEfCoreAuditing()
            .BuildServiceProvider();
        _servicesNoBulk = new ServiceCollection()
            .AddSingleton<IAuditSink, CountingAuditSink>()
            .AddEfCoreAuditing(o => o.CaptureBulkOperations = false)
            .BuildServiceProvider();

        using (var setup = new BenchContext(Options(null)))
        {
            setup.Database.EnsureCreated();
            if (Provider == "sqlite")
            {
                // A common production setting; it keeps the fsync of each commit from hiding the interceptor's cost.
                setup.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            }

            setup.Customers.AddRange(Enumerable.Range(0, 1000).Select(i => new BenchCustomer
            {
                Name = $"Customer {i}",
                Email = $"customer{i}@example.com",
                Ssn = $"123-45-{i:0000}",
                Balance = i,
                Tier = i % 3,
                UpdatedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            }));
            setup.SaveChanges();
        }

        _plain = new BenchContext(Options(null));
        _audited = new BenchContext(Options(_services));
        _auditedNoBulk = new BenchContext(Options(_servicesNoBulk));
        _plainRows = [.. _plain.Customers.OrderBy(c => c.Id).Take(Entities)];
        _auditedRows = [.. _audited.Customers.OrderBy(c => c.Id).Take(Entities)];
        _auditedNoBulkRows = [.. _auditedNoBulk.Customers.OrderBy(c => c.Id).Take(Entities)];
    }

    [Benchmark(Baseline = true)]
    public int SaveChanges_without_auditing()
    {
        Touch(_plainRows);
        return _plain.SaveChanges();
    }

    [Benchmark]
    public int SaveChanges_with_auditing()
    {
        Touch(_auditedRows);
        return _audited.SaveChanges();
    }

    /// <summary>Auditing without the command interceptor that sees ExecuteUpdate / ExecuteDelete.</summary>
    [Benchmark]
    public int SaveChanges_with_auditing_no_bulk_capture()
    {
        Touch(_auditedNoBulkRows);
        return _auditedNoBulk.SaveChanges();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _audited.Dispose();
        _auditedNoBulk.Dispose();
        _services.Dispose();
        _servicesNoBulk.Dispose();
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_sqliteFile)!, Path.GetFileName(_sqliteFile) + "*"))
            {
                File.Delete(file);
            }
        }
        else
        {
            var database = new NpgsqlConnectionStringBuilder(_connectionString).Database;
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresVariable));
            connection.Open();
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            command.ExecuteNonQuery();
        }
    }

    // Each call really changes every row (two properties), so every SaveChanges writes Entities rows.
    private void Touch(List<BenchCustomer> rows)
    {
        _round++;
        foreach (var row in rows)
        {
            row.Name = $"Customer {row.Id} r{_round}";
            row.Balance += 1;
        }
    }

    private DbContextOptions<BenchContext> Options(IServiceProvider? auditing)
    {
        var builder = new DbContextOptionsBuilder<BenchContext>();
        if (Provider == "sqlite")
        {
            builder.UseSqlite(_connectionString);
        }
        else
        {
            builder.UseNpgsql(_connectionString);
        }

        if (auditing is not null)
        {
            builder.AddAuditing(auditing);
        }

        return builder.Options;
    }

    private string CreateSqlite()
    {
        _sqliteFile = Path.Combine(Path.GetTempPath(), $"auditkit-bench-{Guid.NewGuid():N}.db");
        return $"Data Source={_sqliteFile}";
    }

    private static string CreatePostgres()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable)!;
        var name = $"auditkit_bench_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private sealed class CountingAuditSink : IAuditSink
    {
        private long _count;

        public bool TryWrite(AuditEvent auditEvent)
        {
            Interlocked.Increment(ref _count);
            return true;
        }
    }
}

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

public sealed class BenchContext(DbContextOptions<BenchContext> options) : DbContext(options)
{
    public DbSet<BenchCustomer> Customers => Set<BenchCustomer>();
}

public sealed class BenchCustomer
{
    public int Id { get; set; }

    public string Name { get; set; } = string.Empty;

    public string Email { get; set; } = string.Empty;

    [AuditSensitive(MaskStyle.Partial, 4)]
    public string Ssn { get; set; } = string.Empty;

    public decimal Balance { get; set; }

    public int Tier { get; set; }

    public DateTime UpdatedAt { get; set; }
}
