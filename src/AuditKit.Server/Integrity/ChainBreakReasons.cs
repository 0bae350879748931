namespace AuditKit.Server.Integrity;

/// <summary>Why a chain does not verify, as <c>reason</c> names it (docs/integrity.md, "What verify reports").</summary>
internal static class ChainBreakReasons
{
    /// <summary>An event's stored hash is not SHA-256(previous hash || its canonical bytes): it was changed, or forged.</summary>
    public const string HashMismatch = "hash_mismatch";

    /// <summary>No event holds this seq, yet later ones (or the head, or a checkpoint) say it was stored.</summary>
    public const string Missing = "missing";

    /// <summary>The event at this seq belongs at another place of the chain (seqs exchanged).</summary>
    public const string Reordered = "reordered";

    /// <summary>A signed checkpoint or anchor at this seq does not check against the listed public keys: it was changed or forged.</summary>
    public const string CheckpointSignature = "checkpoint_signature";
}
