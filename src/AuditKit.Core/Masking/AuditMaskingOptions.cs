namespace AuditKit.Masking;

/// <summary>What counts as sensitive and how it is masked. Bound from configuration section <c>AuditKit:Masking</c>.</summary>
public sealed class AuditMaskingOptions
{
    /// <summary>The name fragments that mark a field, header or query key as sensitive when no explicit rule applies.</summary>
    public static IReadOnlyList<string> DefaultSensitiveNames { get; } =
    [
        "password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key", "authorization",
        "cookie", "ssn", "socialsecurity", "cardnumber", "card_number", "creditcard", "cvv", "privatekey",
        "private_key", "connectionstring", "sessionid", "session_id",
    ];

    /// <summary>
    /// Name fragments, matched case-insensitively after removing <c>_</c>, <c>-</c> and <c>.</c> from the name (so
    /// <c>X-Api-Key</c>, <c>api_key</c> and <c>ApiKey</c> all match <c>apikey</c>). Fragments of five characters or
    /// more match anywhere in the name; shorter ones (<c>ssn</c>, <c>pwd</c>) only at its start or end, so
    /// <c>CustomerSsn</c> is sensitive and <c>ClassName</c> is not. Defaults to
    /// <see cref="DefaultSensitiveNames"/>.
    /// </summary>
    public IList<string> SensitiveNames { get; } = [.. DefaultSensitiveNames];

    /// <summary>The style used for values that match a name pattern.</summary>
    public MaskStyle DefaultStyle { get; set; } = MaskStyle.Redact;

    /// <summary>The text that replaces a redacted value.</summary>
    public string RedactedText { get; set; } = "***";

    /// <summary>How many trailing characters <see cref="MaskStyle.Partial"/> keeps by default.</summary>
    public int PartialKeepLast { get; set; } = 4;

    /// <summary>
    /// The key for <see cref="MaskStyle.Hash"/>, base64 or plain text; at least 16 bytes. Keep it in a secret store:
    /// anyone with it can test guesses against tokens.
    /// </summary>
    public string? HmacKey { get; set; }
}
