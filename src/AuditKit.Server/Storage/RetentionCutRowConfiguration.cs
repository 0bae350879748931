using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage;

/// <summary><c>retention_cuts</c>: the record of every retention delete (see <see cref="RetentionCutRow"/>).</summary>
internal sealed class RetentionCutRowConfiguration : IEntityTypeConfiguration<RetentionCutRow>
{
    public const string Table = "retention_cuts";

    public void Configure(EntityTypeBuilder<RetentionCutRow> cuts)
    {
        ArgumentNullException.ThrowIfNull(cuts);

        // Numbered per tenant (1, 2, 3, ...) by the statement that records the cut: no sequence shared by tenants, and a
        // key that leads with the tenant, so the table can be distributed by tenant (docs/scaling.md).
        cuts.HasSnakeCaseTable(Table, c => new { c.TenantId, c.Id });
        cuts.Property(c => c.Id).ValueGeneratedNever();
        cuts.Property(c => c.Before).HasColumnName("cut_before");
    }
}
