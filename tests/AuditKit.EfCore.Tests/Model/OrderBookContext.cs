namespace AuditKit.EfCore.Tests.Model;

/// <summary>A second context type over the shop's <c>OrderLines</c> table, for tests that mix context types in one process.</summary>
public sealed class OrderBookContext(DbContextOptions<OrderBookContext> options) : DbContext(options)
{
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<OrderLine>(line =>
        {
            line.ToTable("OrderLines");
            line.HasKey(l => new { l.OrderId, l.LineNo });
        });
}
