using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage;

/// <summary><c>retention_cuts</c>: the record of every retention delete (see <see cref="RetentionCutRow"/>).</summary>
internal sealed class RetentionCutRowConfiguration : IEntityTypeConfiguration<RetentionCutRow>
{
    public const string Table = "retention_cuts";

    public void Configure(EntityTypeBuilder<RetentionCutRow> cuts)
    {
        ArgumentNullException.ThrowIfNull(cuts);

        cuts.ToTable(Table);
        // Numbered per tenant (1, 2, 3, ...) by the statement that records the cut: no sequence shared by tenants, and a
        // key that leads with the tenant, so the table can be distributed by tenant (docs/scaling.md).
        cuts.HasKey(c => new { c.TenantId, c.Id }).HasName("pk_retention_cuts");
        cuts.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        cuts.Property(c => c.TenantId).HasColumnName("tenant_id");
        cuts.Property(c => c.CutAt).HasColumnName("cut_at");
        cuts.Property(c => c.Before).HasColumnName("cut_before");
        cuts.Property(c => c.DeletedEvents).HasColumnName("deleted_events");
        cuts.Property(c => c.LastSeq).HasColumnName("last_seq");
        cuts.Property(c => c.LastHash).HasColumnName("last_hash");
        cuts.Property(c => c.PerformedBy).HasColumnName("performed_by");
    }
}
