using System.Buffers.Text;
using System.Security.Cryptography;

namespace AuditKit.Server.Auth;

/// <summary>
/// Makes and fingerprints API keys. A key is <c>ak_</c> followed by 32 random bytes in base64url; only its SHA-256
/// hash and a short display prefix are ever stored. A fast hash is enough here because the key is high-entropy
/// random data, not a password a person chose.
/// </summary>
internal static class ApiKeyCredentials
{
    public const string KeyPrefix = "ak_";

    /// <summary>How many characters of a key are kept in clear to recognise it (<c>ak_</c> plus 8).</summary>
    public const int DisplayPrefixLength = 11;

    /// <summary>Longer presented keys are rejected without a lookup.</summary>
    public const int MaxPresentedKeyLength = 512;

    private const int SecretBytes = 32;

    /// <summary>A new random key.</summary>
    public static string Generate()
    {
        Span<byte> secret = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(secret);
        return KeyPrefix + Base64Url.EncodeToString(secret);
    }

    /// <summary>The lower-case hex SHA-256 of the key's UTF-8 bytes, as stored.</summary>
    public static string Hash(string key)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        HashBytes(key, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Writes the SHA-256 of the key's UTF-8 bytes to <paramref name="digest"/>.</summary>
    public static void HashBytes(string key, Span<byte> digest) => SHA256.HashData(Encoding.UTF8.GetBytes(key), digest);

    /// <summary>The part of a key that is stored and shown in clear.</summary>
    public static string DisplayPrefix(string key) => key.Length <= DisplayPrefixLength ? key : key[..DisplayPrefixLength];
}
