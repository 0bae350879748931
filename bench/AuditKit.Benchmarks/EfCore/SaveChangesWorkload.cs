using AuditKit.SampleApp.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuditKit.Benchmarks.EfCore;

/// <summary>
/// A database seeded with 1000 customers and one long-lived context per <see cref="SaveChangesVariant"/>, each
/// tracking the first N customers. <see cref="Save"/> changes two properties of each of them and saves, so every
/// call writes N rows. Events go to a sink that only counts them: what is measured is the interceptor (capture,
/// diff, masking, event building), not delivery.
/// </summary>
public sealed class SaveChangesWorkload : IDisposable
{
    public const string PostgresVariable = "AUDITKIT_BENCH_POSTGRES";

    private readonly Dictionary<SaveChangesVariant, (BenchContext Context, List<BenchCustomer> Rows)> _variants = [];
    private readonly List<ServiceProvider> _services = [];
    private readonly string _provider;
    private readonly string _connectionString;
    private readonly string? _sqliteFile;
    private int _round;

    public SaveChangesWorkload(string provider, int entities)
    {
        _provider = provider;
        if (provider == "sqlite")
        {
            _sqliteFile = Path.Combine(Path.GetTempPath(), $"auditkit-bench-{Guid.NewGuid():N}.db");
            _connectionString = $"Data Source={_sqliteFile}";
        }
        else
        {
            _connectionString = CreatePostgresDatabase();
        }

        Seed();
        foreach (var variant in Enum.GetValues<SaveChangesVariant>())
        {
            var context = new BenchContext(Options(variant));
            _variants[variant] = (context, [.. context.Customers.OrderBy(c => c.Id).Take(entities)]);
        }
    }

    /// <summary>Changes every tracked customer of <paramref name="variant"/>'s context and saves.</summary>
    public int Save(SaveChangesVariant variant)
    {
        var (context, rows) = _variants[variant];
        _round++;
        foreach (var row in rows)
        {
            row.Name = $"Customer {row.Id} r{_round}";
            row.Balance += 1;
        }

        return context.SaveChanges();
    }

    public void Dispose()
    {
        foreach (var (context, _) in _variants.Values)
        {
            context.Dispose();
        }

        foreach (var services in _services)
        {
            services.Dispose();
        }

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

    private void Seed()
    {
        using var setup = new BenchContext(Options(SaveChangesVariant.Plain));
        setup.Database.EnsureCreated();
        if (_provider == "sqlite")
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

    private DbContextOptions<BenchContext> Options(SaveChangesVariant variant)
    {
        var builder = new DbContextOptionsBuilder<BenchContext>();
        if (_provider == "sqlite")
        {
            builder.UseSqlite(_connectionString);
        }
        else
        {
            builder.UseNpgsql(_connectionString);
        }

        if (variant != SaveChangesVariant.Plain)
        {
            var collection = new ServiceCollection()
                .AddSingleton<IAuditSink, CountingAuditSink>()
                .AddEntityAuditing(o => o.CaptureBulkOperations = variant != SaveChangesVariant.AuditedNoBulkCapture);
            if (variant == SaveChangesVariant.AuditedFallback)
            {
                // What the start-up probe reports on an EF Core without the internals: the public path is taken.
                collection.AddSingleton(AuditKit.EfCore.EfCoreInternals.Probe(static _ => null, loadCommandLogger: false));
            }

            var services = collection.BuildServiceProvider();
            _services.Add(services);
            if (variant == SaveChangesVariant.AuditedWithCommandInterceptor)
            {
                builder.AddInterceptors(services.GetAuditingInterceptors());
            }
            else
            {
                builder.AddEntityAuditing(services);
            }
        }

        return builder.Options;
    }

    private static string CreatePostgresDatabase()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable)
            ?? throw new InvalidOperationException($"{PostgresVariable} is not set.");
        var name = $"auditkit_bench_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }
}
