namespace AuditKit.Server.Integrity;

/// <summary>
/// What a witness kept outside the events table says about one link of a tenant's chain (a signed checkpoint): the
/// hash the event at <paramref name="Seq"/> must have. <paramref name="Failure"/>, when set, is the reason the mark
/// itself fails (e.g. <c>checkpoint_signature</c>), reported at its seq before the chain is compared with it.
/// </summary>
internal sealed record ChainWitnessMark(long Seq, byte[] Hash, string? Failure = null);
