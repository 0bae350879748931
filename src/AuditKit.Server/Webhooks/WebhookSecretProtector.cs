using System.Buffers.Text;
using System.Security.Cryptography;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// Encrypts webhook signing secrets at rest. The server must be able to sign with a secret, so it cannot keep only a
/// hash as it does for API keys; it keeps the secret AES-256-GCM encrypted under <see cref="WebhookOptions.SecretKey"/>
/// (configuration, not the database), with the tenant and webhook id as associated data, so a ciphertext copied to
/// another webhook row does not decrypt. Stored as <c>v1.</c> + base64url(nonce ‖ tag ‖ ciphertext).
/// </summary>
internal sealed class WebhookSecretProtector(IOptions<WebhookOptions> options)
{
    private const string Version = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Whether a key is configured (without one, webhooks cannot be created or signed).</summary>
    public bool IsConfigured => TryDecodeKey(options.Value.SecretKey, out _);

    /// <summary>A new signing secret: <c>whsec_</c> + 32 random bytes in base64url.</summary>
    public static string NewSecret() => "whsec_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public string Protect(string tenantId, Guid webhookId, string secret)
    {
        var key = Key();
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), AssociatedData(tenantId, webhookId));
        return Version + Base64Url.EncodeToString(output);
    }

    /// <exception cref="CryptographicException">The ciphertext was not made with this key for this webhook.</exception>
    public string Unprotect(string tenantId, Guid webhookId, string ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (!ciphertext.StartsWith(Version, StringComparison.Ordinal))
        {
            throw new CryptographicException("Unknown webhook secret format.");
        }

        var input = Base64Url.DecodeFromChars(ciphertext.AsSpan(Version.Length));
        if (input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Truncated webhook secret.");
        }

        var plaintext = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(Key(), TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plaintext, AssociatedData(tenantId, webhookId));
        return Encoding.UTF8.GetString(plaintext);
    }

    public static bool TryDecodeKey(string? value, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        try
        {
            key = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return key.Length == 32;
    }

    private byte[] Key() => TryDecodeKey(options.Value.SecretKey, out var key)
        ? key
        : throw new InvalidOperationException($"{WebhookOptions.SectionName}:SecretKey is not configured.");

    private static byte[] AssociatedData(string tenantId, Guid webhookId) => Encoding.UTF8.GetBytes($"auditkit-webhook:{tenantId}:{webhookId:D}");
}
