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

    /// <summary>Whether <paramref name="kind"/> is one of the kinds above.</summary>
    public static bool IsKnown(string? kind) => kind is Periodic or Shutdown or Anchor;
}
