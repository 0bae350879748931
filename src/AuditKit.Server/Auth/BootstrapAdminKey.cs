using System.Security.Cryptography;

namespace AuditKit.Server.Auth;

/// <summary>
/// The configured bootstrap admin key, held as its SHA-256 digest and compared in constant time so response timing
/// reveals nothing about it.
/// </summary>
internal sealed class BootstrapAdminKey
{
    private readonly byte[]? _digest;

    public BootstrapAdminKey(IOptions<AuditKitServerOptions> options)
    {
        var key = options.Value.BootstrapAdminKey;
        if (!string.IsNullOrWhiteSpace(key))
        {
            _digest = new byte[SHA256.HashSizeInBytes];
            ApiKeyCredentials.HashBytes(key, _digest);
        }
    }

    /// <summary>Whether a bootstrap admin key is configured.</summary>
    public bool IsConfigured => _digest is not null;

    /// <summary>Whether <paramref name="presentedDigest"/> is the digest of the bootstrap key.</summary>
    public bool Matches(ReadOnlySpan<byte> presentedDigest) =>
        _digest is not null && CryptographicOperations.FixedTimeEquals(_digest, presentedDigest);
}
