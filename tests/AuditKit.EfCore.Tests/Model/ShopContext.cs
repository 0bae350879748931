namespace AuditKit.EfCore.Tests.Model;

public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public const string LastTouchedBy = nameof(LastTouchedBy);

    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Tag> Tags => Set<Tag>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    public DbSet<Animal> Animals => Set<Animal>();

    public DbSet<Vehicle> Vehicles => Set<Vehicle>();

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<Basket> Baskets => Set<Basket>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.HasIndex(c => c.Email).IsUnique();
            customer.Property(c => c.Rank).HasDefaultValueSql("7");
            customer.Property(c => c.Version).IsConcurrencyToken();
            customer.Property(c => c.Credit).HasConversion(m => m.ToString(), s => Money.Parse(s));
            customer.Property<string?>(LastTouchedBy);
            customer.ComplexProperty(c => c.Address);
            customer.OwnsOne(c => c.Shipping);
            customer.HasMany(c => c.Tags).WithMany(t => t.Customers);
        });

        modelBuilder.Entity<OrderLine>().HasKey(l => new { l.OrderId, l.LineNo });
        modelBuilder.Entity<Animal>().HasDiscriminator<string>("Kind").HasValue<Dog>("dog").HasValue<Cat>("cat");
        modelBuilder.Entity<Dog>();
        modelBuilder.Entity<Cat>();
        modelBuilder.Entity<Vehicle>().UseTptMappingStrategy();
        modelBuilder.Entity<Car>().ToTable("Cars");
        modelBuilder.Entity<Basket>().ComplexCollection(b => b.Items, items => items.ToJson());
        modelBuilder.Entity<Invoice>().OwnsMany(i => i.Items, items =>
        {
            items.WithOwner().HasForeignKey("InvoiceId");
            items.HasKey("InvoiceId", nameof(InvoiceItem.LineNo));
        });
    }
}
