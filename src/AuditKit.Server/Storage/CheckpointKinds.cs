namespace AuditKit.Server.Storage;

/// <summary>Why a checkpoint was signed: the stored <c>kind</c> of an <c>integrity_checkpoints</c> row.</summary>
internal static class CheckpointKinds
{
    /// <summary>Signed by the checkpoint job every interval.</summary>
    public const string Periodic = "periodic";

    /// <summary>Signed once as the server stopped gracefully.</summary>
    public const string Shutdown = "shutdown";

    /// <summary>The last event a retention cut deleted: where verification starts after it.</summary>
    public const string Anchor = "anchor";

    /// <summary>
    /// An event an erasure rewrote (the kind in the signed bytes of an <c>erasure_anchors</c> row, which is not a
    /// checkpoint row): its stored hash and the SHA-256 of its canonical bytes after the rewrite.
    /// </summary>
    public const string Erasure = "erasure";

    /// <summary>Whether <paramref name="kind"/> is one of the kinds above.</summary>
    public static bool IsKnown(string? kind) => kind is Periodic or Shutdown or Anchor;
}
