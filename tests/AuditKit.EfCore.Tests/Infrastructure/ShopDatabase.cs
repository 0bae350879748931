using AuditKit.EfCore.Tests.Model;
using AuditKit.Testing;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.EfCore.Tests.Infrastructure;

/// <summary>A real database holding the shop schema, shared by the tests of one class (each test uses its own rows).</summary>
public abstract class ShopDatabase
{
    public abstract string Provider { get; }

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
public sealed class SqliteShopDatabase : ShopDatabase, IDisposable
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

    public void Dispose() => _directory.Dispose();
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
