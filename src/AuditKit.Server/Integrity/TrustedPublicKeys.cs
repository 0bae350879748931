namespace AuditKit.Server.Integrity;

/// <summary>
/// The public keys <c>verify --file</c> checks an export's signed erasure anchors with: a file the operator keeps, in
/// the shape of <c>GET /api/v1/integrity/public-keys</c> (<c>{"keys":[{"key_id","algorithm","public_key_pem"}]}</c>).
/// Only keys given this way are trusted; an export never supplies its own.
/// </summary>
internal static class TrustedPublicKeys
{
    /// <summary>Reads the keys of <paramref name="path"/>; a file that is not such a list, or a key that is not ES256, is an <see cref="ArgumentException"/> naming it.</summary>
    public static async Task<IReadOnlyList<SigningKey>> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SigningKeyListResponse? list;
        try
        {
            await using var stream = File.OpenRead(path);
            list = await JsonSerializer.DeserializeAsync(stream, IntegrityJsonContext.Default.SigningKeyListResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"--public-keys {path} is not the JSON of /api/v1/integrity/public-keys: {e.Message}", e);
        }

        if (list?.Keys is not { Count: > 0 } entries)
        {
            throw new ArgumentException($"--public-keys {path} lists no key (expected {{\"keys\":[{{\"key_id\",\"algorithm\",\"public_key_pem\"}}]}}).");
        }

        var keys = new List<SigningKey>();
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry.KeyId) || entry.Algorithm != SigningKey.Algorithm)
            {
                throw new ArgumentException($"--public-keys {path}: each key needs a key_id and algorithm {SigningKey.Algorithm} ('{entry.KeyId}', '{entry.Algorithm}').");
            }

            var key = SigningKeyPem.TryLoad(new SigningKeySettings { KeyId = entry.KeyId, PublicKeyPem = entry.PublicKeyPem }, out _, out var error)
                ?? throw new ArgumentException($"--public-keys {path}: key '{entry.KeyId}' {error}");
            keys.Add(new SigningKey(entry.KeyId, key, hasPrivateKey: false, active: false));
        }

        return keys;
    }
}
