using System.Text;
using Microsoft.Extensions.Options;

namespace AuditKit.Masking;

/// <summary>
/// Validates <see cref="AuditMaskingOptions"/> at start-up (register it with <c>ValidateOnStart</c>), so a missing
/// HMAC key or an empty redaction text fails the application's start rather than the first audited write.
/// </summary>
internal sealed class AuditMaskingOptionsValidator : IValidateOptions<AuditMaskingOptions>
{
    /// <summary>The smallest HMAC key accepted, in bytes.</summary>
    public const int MinimumHmacKeyBytes = 16;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AuditMaskingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;

        if (string.IsNullOrEmpty(options.RedactedText))
        {
            (failures ??= []).Add("AuditKit:Masking:RedactedText must not be empty.");
        }

        if (options.PartialKeepLast < 0)
        {
            (failures ??= []).Add("AuditKit:Masking:PartialKeepLast must be zero or more.");
        }

        if (!Enum.IsDefined(options.DefaultStyle))
        {
            (failures ??= []).Add($"AuditKit:Masking:DefaultStyle '{options.DefaultStyle}' is not a MaskStyle.");
        }

        if (options.HmacKey is { Length: > 0 } key && KeyBytes(key) < MinimumHmacKeyBytes)
        {
            (failures ??= []).Add($"AuditKit:Masking:HmacKey must be at least {MinimumHmacKeyBytes} bytes (base64 or plain text).");
        }

        if (options.DefaultStyle == MaskStyle.Hash && string.IsNullOrEmpty(options.HmacKey))
        {
            (failures ??= []).Add("AuditKit:Masking:DefaultStyle is Hash, which needs AuditKit:Masking:HmacKey.");
        }

        if (options.SensitiveNames.Any(string.IsNullOrWhiteSpace))
        {
            (failures ??= []).Add("AuditKit:Masking:SensitiveNames must not contain empty names.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static int KeyBytes(string key)
    {
        var buffer = new byte[key.Length];
        return Convert.TryFromBase64String(key, buffer, out var written) && written >= MinimumHmacKeyBytes
            ? written
            : Encoding.UTF8.GetByteCount(key);
    }
}
