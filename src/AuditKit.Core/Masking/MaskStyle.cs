namespace AuditKit.Masking;

/// <summary>How a sensitive value is masked before it leaves the process.</summary>
public enum MaskStyle
{
    /// <summary>Replaced entirely by <see cref="AuditMaskingOptions.RedactedText"/>.</summary>
    Redact = 0,

    /// <summary>All but the last N characters replaced by <c>*</c> (e.g. <c>*****6789</c>).</summary>
    Partial = 1,

    /// <summary>
    /// Replaced by a keyed HMAC-SHA256 token (<c>hmac:…</c>): equal inputs give equal tokens, so values stay
    /// correlatable without being readable. Needs <see cref="AuditMaskingOptions.HmacKey"/>.
    /// </summary>
    Hash = 2,
}
