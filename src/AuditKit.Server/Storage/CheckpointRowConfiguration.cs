using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AuditKit.Server.Storage;

/// <summary>
/// <c>integrity_checkpoints</c>: the signed chain heads of every tenant. The key admits a retention anchor beside a
/// head checkpoint of the same <c>seq</c>; the partial unique index admits one head checkpoint per (tenant, seq), so of
/// several server instances signing the same head only the first insert is kept.
/// </summary>
internal sealed class CheckpointRowConfiguration : IEntityTypeConfiguration<CheckpointRow>
{
    public const string Table = "integrity_checkpoints";

    /// <summary>The unique index the insert of a head checkpoint may conflict with.</summary>
    public const string HeadIndex = "ux_integrity_checkpoints_head";

    public void Configure(EntityTypeBuilder<CheckpointRow> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);

        checkpoints.HasSnakeCaseTable(Table, c => new { c.TenantId, c.Seq, c.Kind });
        checkpoints.HasIndex(c => new { c.TenantId, c.Seq })
            .IsUnique()
            .HasFilter($"kind <> '{CheckpointKinds.Anchor}'")
            .HasDatabaseName(HeadIndex);
    }
}
