using AuditKit.Masking;
using Microsoft.EntityFrameworkCore;

namespace AuditKit.Benchmarks.EfCore;

public sealed class BenchContext(DbContextOptions<BenchContext> options) : DbContext(options)
{
    public DbSet<BenchCustomer> Customers => Set<BenchCustomer>();
}

/// <summary>A typical row: seven columns, one of them masked.</summary>
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
