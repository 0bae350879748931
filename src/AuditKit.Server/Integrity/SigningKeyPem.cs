using System.Security.Cryptography;

namespace AuditKit.Server.Integrity;

/// <summary>Reads one configured key (<see cref="SigningKeySettings"/>), saying in words what is wrong with it.</summary>
internal static class SigningKeyPem
{
    /// <summary>The object identifier of the NIST P-256 curve (prime256v1, secp256r1).</summary>
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>
    /// The key of <paramref name="settings"/> and whether its private part was given, or null and why not (a sentence
    /// starting lower case, to follow the key's name).
    /// </summary>
    public static ECDsa? TryLoad(SigningKeySettings settings, out bool hasPrivateKey, out string? error)
    {
        ArgumentNullException.ThrowIfNull(settings);
        hasPrivateKey = false;
        var given = new[] { settings.PrivateKeyPem, settings.PrivateKeyPath, settings.PublicKeyPem }.Count(static v => !string.IsNullOrWhiteSpace(v));
        if (given != 1)
        {
            error = $"gives {given} of PrivateKeyPem, PrivateKeyPath and PublicKeyPem; give exactly one.";
            return null;
        }

        string pem;
        string source;
        if (!string.IsNullOrWhiteSpace(settings.PrivateKeyPath))
        {
            source = "PrivateKeyPath";
            try
            {
                pem = File.ReadAllText(settings.PrivateKeyPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                error = $"PrivateKeyPath '{settings.PrivateKeyPath}' cannot be read: {e.Message}";
                return null;
            }
        }
        else if (!string.IsNullOrWhiteSpace(settings.PrivateKeyPem))
        {
            source = "PrivateKeyPem";
            pem = settings.PrivateKeyPem;
        }
        else
        {
            source = "PublicKeyPem";
            pem = settings.PublicKeyPem!;
        }

        var wantPrivate = source != "PublicKeyPem";
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            error = $"{source} holds no PEM block (-----BEGIN ...-----).";
            return null;
        }

        var label = pem[fields.Label];
        if (label.StartsWith("RSA ", StringComparison.Ordinal))
        {
            error = $"{source} is an RSA key; only ECDSA P-256 keys are supported.";
            return null;
        }

        var privateLabel = label is "PRIVATE KEY" or "EC PRIVATE KEY";
        if (wantPrivate != privateLabel)
        {
            error = wantPrivate
                ? $"{source} holds a '{label}' block; expected a private key ('PRIVATE KEY' or 'EC PRIVATE KEY')."
                : $"{source} holds a '{label}' block; expected a public key ('PUBLIC KEY'): a private key goes under PrivateKeyPem or PrivateKeyPath.";
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            error = IsRsa(pem)
                ? $"{source} is an RSA key; only ECDSA P-256 keys are supported."
                : $"{source} is not a valid ECDSA key in PEM: {e.Message}";
            return null;
        }

        var curve = key.ExportParameters(false).Curve;
        if (!IsP256(curve))
        {
            key.Dispose();
            error = $"{source} is an ECDSA key on curve '{curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "explicit"}'; only P-256 (prime256v1) is supported.";
            return null;
        }

        hasPrivateKey = wantPrivate;
        error = null;
        return key;
    }

    private static bool IsP256(ECCurve curve) =>
        curve.IsNamed && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "prime256v1" or "secp256r1");

    private static bool IsRsa(string pem)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
