using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage;

/// <summary><c>erasure_anchors</c>: the signed proof of every event an erasure rewrote (see <see cref="ErasureAnchorRow"/>).</summary>
internal sealed class ErasureAnchorRowConfiguration : IEntityTypeConfiguration<ErasureAnchorRow>
{
    public const string Table = "erasure_anchors";

    public void Configure(EntityTypeBuilder<ErasureAnchorRow> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);

        // A key that leads with the tenant and no sequence, so the table can be distributed by tenant
        // (docs/scaling.md); verify reads a tenant's anchors by seq.
        anchors.HasSnakeCaseTable(Table, a => new { a.TenantId, a.Seq, a.ErasureId });
    }
}
