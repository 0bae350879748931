namespace AuditKit.Server.Tests.Integrity;

/// <summary>How <see cref="ErasureAnchorSigning"/> cuts an erasure's anchors into signing batches.</summary>
public sealed class ErasureAnchorBatchTests
{
    [Fact]
    public void Batches_hold_at_most_the_batch_size_and_span_at_most_the_batch_span_of_seqs()
    {
        long[] seqs =
        [
            .. Enumerable.Range(1, ErasureAnchorSigning.BatchSize + 3).Select(static i => (long)i),
            1_000_000, 1_000_001, 1_000_000 + ErasureAnchorSigning.BatchSpan,
        ];

        var batches = ErasureAnchorSigning.Batches([.. seqs.Select(Anchor)]).Select(static b => b.Select(static a => a.Seq).ToList()).ToList();

        batches.Select(static b => b.Count).ShouldBe([ErasureAnchorSigning.BatchSize, 3, 2, 1]);
        batches.SelectMany(static b => b).ShouldBe(seqs);
        batches.ShouldAllBe(static b => b.Max() - b.Min() < ErasureAnchorSigning.BatchSpan);
    }

    private static ErasureAnchorRow Anchor(long seq) => new() { TenantId = "t", Seq = seq, OriginalHash = new byte[32] };
}
