using System.Security.Cryptography;

namespace AuditKit.Server.Webhooks;

/// <summary>
/// How deliveries are signed: <c>X-AuditKit-Signature: v1=</c> + hex HMAC-SHA256, keyed with the webhook's secret,
/// over <c>{X-AuditKit-Timestamp}.{body}</c> (the Unix time in seconds, a dot, the raw body bytes). A receiver
/// recomputes it, compares in constant time, and rejects timestamps far from its own clock (replays).
/// </summary>
internal static class WebhookSignature
{
    public const string SignatureHeader = "X-AuditKit-Signature";
    public const string TimestampHeader = "X-AuditKit-Timestamp";
    public const string DeliveryHeader = "X-AuditKit-Delivery";
    public const string EventHeader = "X-AuditKit-Event";
    public const string Scheme = "v1=";

    /// <summary>The signature header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Scheme + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Checks a signature as a receiver should: the right HMAC, and a timestamp within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) || signatureHeader is null)
        {
            return false;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signatureHeader));
    }
}
