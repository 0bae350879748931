using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AuditKit.Masking;

/// <summary>Masks values before they leave the process, by name pattern or by an explicit <see cref="MaskStyle"/>.</summary>
public sealed class AuditMasker
{
    private readonly AuditMaskingOptions _options;
    private readonly string[] _fragments;
    private readonly byte[]? _hmacKey;

    /// <summary>Creates a masker over <paramref name="options"/>.</summary>
    public AuditMasker(IOptions<AuditMaskingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _fragments = [.. _options.SensitiveNames.Select(Canonical).Where(f => f.Length > 0).Distinct()];
        _hmacKey = _options.HmacKey is { Length: > 0 } key ? DecodeKey(key) : null;
    }

    /// <summary>The options in force.</summary>
    public AuditMaskingOptions Options => _options;

    /// <summary>Whether <see cref="MaskStyle.Hash"/> can be used: an <see cref="AuditMaskingOptions.HmacKey"/> is configured.</summary>
    public bool CanHash => _hmacKey is not null;

    /// <summary>Whether a field, header or query key named <paramref name="name"/> holds sensitive data.</summary>
    public bool IsSensitiveName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var canonical = Canonical(name);
        foreach (var fragment in _fragments)
        {
            var matches = fragment.Length >= 5
                ? canonical.Contains(fragment, StringComparison.Ordinal)
                : canonical.StartsWith(fragment, StringComparison.Ordinal) || canonical.EndsWith(fragment, StringComparison.Ordinal);
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Masks <paramref name="value"/> with <paramref name="style"/>; <see langword="null"/> stays <see langword="null"/>.</summary>
    /// <param name="value">The clear value.</param>
    /// <param name="style">How to mask it.</param>
    /// <param name="keepLast">For <see cref="MaskStyle.Partial"/>: how many trailing characters stay; defaults to <see cref="AuditMaskingOptions.PartialKeepLast"/>.</param>
    public string? Mask(string? value, MaskStyle style, int? keepLast = null)
    {
        if (value is null)
        {
            return null;
        }

        return style switch
        {
            MaskStyle.Partial => Partial(value, keepLast ?? _options.PartialKeepLast),
            MaskStyle.Hash => Hash(value),
            _ => _options.RedactedText,
        };
    }

    /// <summary>Masks <paramref name="value"/> with <see cref="AuditMaskingOptions.DefaultStyle"/>.</summary>
    public string? Mask(string? value) => Mask(value, _options.DefaultStyle);

    private static string Partial(string value, int keepLast)
    {
        // Short values are fully hidden: keeping 4 of 5 characters would reveal nearly everything.
        if (keepLast <= 0 || value.Length <= keepLast * 2)
        {
            return new string('*', Math.Max(value.Length, 3));
        }

        return string.Concat(new string('*', value.Length - keepLast), value.AsSpan(value.Length - keepLast));
    }

    private string Hash(string value)
    {
        if (_hmacKey is null)
        {
            throw new InvalidOperationException("MaskStyle.Hash needs AuditKit:Masking:HmacKey to be configured.");
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_hmacKey, Encoding.UTF8.GetBytes(value), mac);
        return "hmac:" + Convert.ToHexStringLower(mac[..16]);
    }

    private static byte[] DecodeKey(string key)
    {
        var buffer = new byte[key.Length];
        var bytes = Convert.TryFromBase64String(key, buffer, out var written) && written >= 16
            ? buffer[..written]
            : Encoding.UTF8.GetBytes(key);
        if (bytes.Length < 16)
        {
            throw new InvalidOperationException("AuditKit:Masking:HmacKey must be at least 16 bytes.");
        }

        return bytes;
    }

    private static string Canonical(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not ('_' or '-' or '.' or ' '))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }
}
