namespace AuditKit.EfCore.Tests;

/// <summary>
/// The interceptor's behaviour against a real database. Runs once on SQLite and once on PostgreSQL (see the sealed
/// classes at the end). Each test has its own service provider and sink, and its own rows.
/// </summary>
public abstract partial class EntityAuditTests(ShopDatabase database)
{
    private const string Ssn = "123-45-6789";

    protected ShopDatabase Database { get; } = database;

    // ---- Helpers ------------------------------------------------------------------------------------------------

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    protected static Customer NewCustomer(string? name = null)
    {
        var unique = Guid.NewGuid().ToString("N");
        return new Customer
        {
            Name = name ?? "Customer " + unique[..8],
            Email = unique + "@example.com",
            Ssn = Ssn,
            PasswordHash = "pbkdf2-first-hash",
            TaxId = "TAX-FIRST-VALUE",
            Photo = [1, 2, 3],
            Tier = CustomerTier.Silver,
            Credit = new Money(5m, "EUR"),
            Address = new Address { Street = "1 Main Street", City = "Paris", DoorCode = "DOOR-FIRST" },
            Shipping = new ShippingAddress { Line1 = "1 Quay Street", PostalCode = "75001" },
        };
    }

    /// <summary>Inserts a customer without auditing and returns it (detached).</summary>
    protected static async Task<Customer> Seed(AuditHarness harness, string? name = null)
    {
        await using var context = harness.PlainContext();
        var customer = NewCustomer(name);
        context.Customers.Add(customer);
        await context.SaveChangesAsync();
        return customer;
    }

    /// <summary>Seeds a customer (see <see cref="Seed"/>) and loads it, tracked, into <paramref name="context"/>.</summary>
    protected static async Task<(Customer Seeded, Customer Tracked)> SeedTrackedAsync(AuditHarness harness, ShopContext context)
    {
        var seeded = await Seed(harness);
        return (seeded, await context.Customers.SingleAsync(c => c.Id == seeded.Id));
    }

    protected static string Id(Customer customer) => customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected static Task Save(DbContext context, bool async)
        => async ? context.SaveChangesAsync() : Task.FromResult(context.SaveChanges());
}

public sealed class SqliteEntityAuditTests(SqliteShopDatabase database)
    : EntityAuditTests(database), IClassFixture<SqliteShopDatabase>;

/// <summary>
/// Every test above on the public path that an EF Core without the internals this package relies on gets: the same
/// events (diff, masking, only committed work, bulk commands).
/// </summary>
public sealed class SqliteEntityAuditTestsWithoutEfInternals(SqliteShopDatabaseWithoutEfInternals database)
    : EntityAuditTests(database), IClassFixture<SqliteShopDatabaseWithoutEfInternals>
{
    [Fact]
    public async Task Without_the_internals_the_public_path_is_taken_and_saves_are_audited()
    {
        using var harness = new AuditHarness(Database);
        await using var context = harness.NewContext();
        context.Customers.Add(NewCustomer());
        await context.SaveChangesAsync();

        context.GetService<IRelationalCommandDiagnosticsLogger>().ShouldNotBeOfType<AuditingCommandDiagnosticsLogger>();
        BulkCommandListener.IsObserved(context.GetService<System.Diagnostics.DiagnosticSource>()).ShouldBeTrue();
        harness.Services.GetRequiredService<EntityAuditor>().Internals.Missing.ShouldNotBeEmpty();
        harness.Sink.Events.ShouldHaveSingleItem().Action.ShouldBe(AuditActions.Create);
    }
}

public sealed class PostgresEntityAuditTests(PostgresShopDatabase database)
    : EntityAuditTests(database), IClassFixture<PostgresShopDatabase>
{
    // Npgsql enlists in System.Transactions; SQLite's provider does not, so this runs on PostgreSQL only.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Inside_a_TransactionScope_events_wait_for_the_scope_to_complete(bool complete)
    {
        using var harness = new AuditHarness(Database);
        using (var scope = new System.Transactions.TransactionScope(System.Transactions.TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var context = harness.NewContext();
            context.Customers.Add(NewCustomer());
            await context.SaveChangesAsync();
            harness.Sink.Events.ShouldBeEmpty();
            if (complete)
            {
                scope.Complete();
            }
        }

        harness.Sink.Events.Count.ShouldBe(complete ? 1 : 0);
    }
}
