using System.Buffers;

namespace AuditKit.Server.Integrity;

/// <summary>
/// Checks <see cref="SigningKeyOptions"/> at start-up, naming each bad key: its PEM, its curve, duplicate ids, the one
/// active key; and refuses a PostgreSQL server in Production without a key.
/// </summary>
internal sealed class SigningKeyOptionsValidator(IHostEnvironment environment, IOptions<AuditStorageOptions> storage) : IValidateOptions<SigningKeyOptions>
{
    private const int MaxKeyIdLength = 64;

    private static readonly SearchValues<char> s_keyIdChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    public ValidateOptionsResult Validate(string? name, SigningKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.SigningKeys.Count == 0)
        {
            if (storage.Value.Provider == AuditStorageProvider.Postgres && environment.IsProduction())
            {
                failures.Add(
                    $"{SigningKeyOptions.KeysKey} is empty: on PostgreSQL the server needs a configured signing key, the same for every instance, " +
                    "to sign checkpoints. Make one with 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out auditkit-signing.pem' and set " +
                    $"{SigningKeyOptions.KeysKey}:0:KeyId, {SigningKeyOptions.KeysKey}:0:PrivateKeyPath and {SigningKeyOptions.KeysKey}:0:Active=true.");
            }

            return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var active = new List<string>();
        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            var settings = options.SigningKeys[i];
            var keyId = settings.KeyId?.Trim();
            var prefix = $"{SigningKeyOptions.KeysKey}:{i}";
            if (string.IsNullOrEmpty(keyId))
            {
                failures.Add($"{prefix}:KeyId is required.");
            }
            else
            {
                prefix += $" ('{keyId}')";
                if (keyId.Length > MaxKeyIdLength || keyId.AsSpan().ContainsAnyExcept(s_keyIdChars))
                {
                    failures.Add($"{prefix}: KeyId must be 1 to {MaxKeyIdLength} letters, digits, '.', '_' or '-'.");
                }

                if (!seen.Add(keyId))
                {
                    failures.Add($"{prefix}: KeyId '{keyId}' is listed twice; every key needs an id of its own.");
                }

                if (settings.Active)
                {
                    active.Add(keyId);
                }
            }

            using var key = SigningKeyPem.TryLoad(settings, out var hasPrivateKey, out var error);
            if (key is null)
            {
                failures.Add($"{prefix}: {error}");
            }
            else if (settings.Active && !hasPrivateKey)
            {
                failures.Add($"{prefix}: the active key signs, so it needs its private key (PrivateKeyPem or PrivateKeyPath).");
            }
        }

        if (active.Count != 1)
        {
            failures.Add(active.Count == 0
                ? $"{SigningKeyOptions.KeysKey}: no key is Active; exactly one key signs new checkpoints."
                : $"{SigningKeyOptions.KeysKey}: {active.Count} keys are Active ({string.Join(", ", active.Select(static k => $"'{k}'"))}); exactly one key signs new checkpoints.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
