using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage;

/// <summary><c>erasure_anchors</c>: the signed proof of every event an erasure rewrote (see <see cref="ErasureAnchorRow"/>).</summary>
internal sealed class ErasureAnchorRowConfiguration : IEntityTypeConfiguration<ErasureAnchorRow>
{
    public const string Table = "erasure_anchors";

    public void Configure(EntityTypeBuilder<ErasureAnchorRow> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);

        anchors.ToTable(Table);
        // A key that leads with the tenant and no sequence, so the table can be distributed by tenant
        // (docs/scaling.md); verify reads a tenant's anchors by seq.
        anchors.HasKey(a => new { a.TenantId, a.Seq, a.ErasureId }).HasName("pk_erasure_anchors");
        anchors.Property(a => a.TenantId).HasColumnName("tenant_id");
        anchors.Property(a => a.ErasureId).HasColumnName("erasure_id");
        anchors.Property(a => a.Seq).HasColumnName("seq");
        anchors.Property(a => a.OriginalHash).HasColumnName("original_hash");
        anchors.Property(a => a.RewrittenHash).HasColumnName("rewritten_hash");
        anchors.Property(a => a.ErasedAt).HasColumnName("erased_at");
        anchors.Property(a => a.SignedAt).HasColumnName("signed_at");
        anchors.Property(a => a.KeyId).HasColumnName("key_id");
        anchors.Property(a => a.Signature).HasColumnName("signature");
    }
}
