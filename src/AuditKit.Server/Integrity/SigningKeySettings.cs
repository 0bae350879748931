namespace AuditKit.Server.Integrity;

/// <summary>
/// One entry of <c>AuditKit:Integrity:SigningKeys</c>: an ECDSA P-256 key, given by exactly one of
/// <see cref="PrivateKeyPem"/>, <see cref="PrivateKeyPath"/> or <see cref="PublicKeyPem"/>.
/// </summary>
internal sealed class SigningKeySettings
{
    /// <summary>The id written into every checkpoint signed with the key; letters, digits, '.', '_' and '-'.</summary>
    public string? KeyId { get; set; }

    /// <summary>The private key as PEM (<c>PRIVATE KEY</c> or <c>EC PRIVATE KEY</c>).</summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>A file holding the private key as PEM.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>
    /// The public key as PEM (<c>PUBLIC KEY</c>): enough for a retired key, whose checkpoints still verify and whose
    /// key is still listed.
    /// </summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>Whether this key signs new checkpoints. Exactly one configured key is active.</summary>
    public bool Active { get; set; }
}
