using AuditKit.Testing;

namespace AuditKit.EfCore.Tests.Infrastructure;

/// <summary>A real database holding the shop schema, shared by the tests of one class (each test uses its own rows).</summary>
public abstract class ShopDatabase
{
    public abstract string Provider { get; }

    /// <summary>
    /// The EF Core internals the auditors of this database's tests may use; <see langword="null"/> for the running EF
    /// Core's (see <see cref="SqliteShopDatabaseWithoutEfInternals"/>).
    /// </summary>
    internal virtual EfCoreInternals? Internals => null;

    /// <summary>Points <paramref name="builder"/> at this database; with <paramref name="retrying"/>, through <see cref="RetryOnTransientTestFailureStrategy"/>.</summary>
    public abstract void Configure(DbContextOptionsBuilder builder, bool retrying = false);

    protected void CreateSchema()
    {
        var builder = new DbContextOptionsBuilder<ShopContext>();
        Configure(builder);
        using var context = new ShopContext(builder.Options);
        context.Database.EnsureCreated();
    }
}

/// <summary>A SQLite file in a temporary directory.</summary>
public class SqliteShopDatabase : ShopDatabase, IDisposable
{
    private readonly TempDirectory _directory = new("auditkit-efcore");
    private readonly string _connectionString;

    public SqliteShopDatabase()
    {
        _connectionString = _directory.SqliteConnectionString("shop.db");
        CreateSchema();
    }

    public override string Provider => "sqlite";

    public override void Configure(DbContextOptionsBuilder builder, bool retrying = false)
        => builder.UseSqlite(_connectionString, o =>
        {
            if (retrying)
            {
                o.ExecutionStrategy(dependencies => new RetryOnTransientTestFailureStrategy(dependencies));
            }
        });

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A SQLite database whose auditors find none of the EF Core internals they use for speed, as on an EF Core that
/// changed them: auditing takes the public path (EF Core's diagnostic listener for bulk commands, the capture taken
/// when SaveChanges starts).
/// </summary>
public sealed class SqliteShopDatabaseWithoutEfInternals : SqliteShopDatabase
{
    internal override EfCoreInternals? Internals { get; } = EfCoreInternals.Probe(static _ => null, loadCommandLogger: false);
}

/// <summary>A fresh database on the throwaway PostgreSQL server.</summary>
public sealed class PostgresShopDatabase : ShopDatabase, IAsyncLifetime
{
    private string? _connectionString;

    public override string Provider => "postgres";

    public override void Configure(DbContextOptionsBuilder builder, bool retrying = false)
        => builder.UseNpgsql(
            _connectionString ?? throw new InvalidOperationException("The database has not been created."),
            o =>
            {
                if (retrying)
                {
                    o.ExecutionStrategy(dependencies => new RetryOnTransientTestFailureStrategy(dependencies));
                }
            });

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync("efcore");
        CreateSchema();
    }

    public async Task DisposeAsync()
    {
        if (_connectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(_connectionString);
        }
    }
}
