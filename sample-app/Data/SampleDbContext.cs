using Microsoft.EntityFrameworkCore;

namespace AuditKit.SampleApp.Data;

/// <summary>The sample's database: customers, users and settings.</summary>
public sealed class SampleDbContext(DbContextOptions<SampleDbContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<AppUser> Users => Set<AppUser>();

    public DbSet<AppSetting> Settings => Set<AppSetting>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.Property(c => c.Name).HasMaxLength(200);
            customer.Property(c => c.Email).HasMaxLength(320);
            customer.Property(c => c.Ssn).HasMaxLength(11);
        });
        modelBuilder.Entity<AppUser>(user =>
        {
            user.HasIndex(u => u.Username).IsUnique();
            user.Property(u => u.Username).HasMaxLength(64);
            user.Ignore(u => u.RoleList);
        });
        modelBuilder.Entity<AppSetting>().HasKey(s => s.Key);
    }
}
