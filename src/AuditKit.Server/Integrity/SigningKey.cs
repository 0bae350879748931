using System.Security.Cryptography;

namespace AuditKit.Server.Integrity;

/// <summary>A loaded ECDSA P-256 key: its id, whether it signs new checkpoints, and its public part as PEM.</summary>
internal sealed class SigningKey : IDisposable
{
    /// <summary>The algorithm every key has, as named in JOSE (ECDSA P-256 with SHA-256).</summary>
    public const string Algorithm = "ES256";

    public SigningKey(string keyId, ECDsa key, bool hasPrivateKey, bool active)
    {
        ArgumentNullException.ThrowIfNull(key);
        KeyId = keyId;
        Key = key;
        HasPrivateKey = hasPrivateKey;
        Active = active;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    public string KeyId { get; }

    /// <summary>The key: public only unless <see cref="HasPrivateKey"/>.</summary>
    public ECDsa Key { get; }

    public bool HasPrivateKey { get; }

    public bool Active { get; }

    /// <summary>The public key as a <c>PUBLIC KEY</c> (SubjectPublicKeyInfo) PEM block.</summary>
    public string PublicKeyPem { get; }

    public void Dispose() => Key.Dispose();
}
