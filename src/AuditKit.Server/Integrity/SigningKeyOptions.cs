namespace AuditKit.Server.Integrity;

/// <summary>
/// The keys checkpoints are signed and verified with, bound from <c>AuditKit:Integrity</c>. Rotation: add the new
/// key as the active one and keep the old one listed (its public part is enough), so its checkpoints still verify.
/// </summary>
internal sealed class SigningKeyOptions
{
    /// <summary>The configuration section of these options.</summary>
    public const string SectionName = "AuditKit:Integrity";

    /// <summary>The configuration key of the list, as named in messages.</summary>
    public const string KeysKey = SectionName + ":SigningKeys";

    /// <summary>
    /// The keys. Empty on the embedded SQLite default, the server generates a key and keeps it beside the database
    /// file (see <see cref="SigningKeyRing"/>); empty on PostgreSQL, it signs nothing, and refuses to start in
    /// Production.
    /// </summary>
    public List<SigningKeySettings> SigningKeys { get; set; } = [];
}
