namespace AuditKit.Server.Integrity;

/// <summary>
/// What a witness kept outside the events table says about one link of a tenant's chain (a signed checkpoint): the
/// hash the event at <paramref name="Seq"/> must have. <paramref name="Failure"/>, when set, is the reason the mark
/// itself fails (e.g. <c>checkpoint_signature</c>), reported at its seq before the chain is compared with it.
/// <paramref name="Anchor"/> marks a retention anchor: the event at its seq was deleted by retention, and when it is
/// gone (with the run of seqs before it up to the previous stored event) the chain resumes from its hash.
/// </summary>
internal sealed record ChainWitnessMark(long Seq, byte[] Hash, string? Failure = null, bool Anchor = false);
