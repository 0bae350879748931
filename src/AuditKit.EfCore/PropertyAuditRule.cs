using AuditKit.Masking;

namespace AuditKit.EfCore;

/// <summary>How one property appears in events: left out, masked with a style, or (no rule) in clear.</summary>
internal readonly record struct PropertyAuditRule(bool Ignore, MaskStyle? Style, int? KeepLast)
{
    public bool Masks => !Ignore && Style is not null;
}
