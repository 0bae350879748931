namespace AuditKit.Server.Integrity;

/// <summary>
/// What a witness kept outside the events table says about one link of a tenant's chain (a signed checkpoint): the
/// hash the event at <paramref name="Seq"/> must have. <paramref name="Failure"/>, when set, is the reason the mark
/// itself fails (e.g. <c>checkpoint_signature</c>), reported at its seq before the chain is compared with it.
/// <paramref name="Anchor"/> marks a retention anchor: the event at its seq was deleted by retention, and when it is
/// gone (with the run of seqs before it up to the previous stored event) the chain resumes from its hash.
/// <paramref name="Rewritten"/> marks an erasure anchor: the event at its seq, whose stored hash is
/// <paramref name="Hash"/>, was rewritten by an erasure into canonical bytes whose SHA-256 is <paramref name="Rewritten"/>.
/// </summary>
internal sealed record ChainWitnessMark(long Seq, byte[] Hash, string? Failure = null, bool Anchor = false, byte[]? Rewritten = null);
