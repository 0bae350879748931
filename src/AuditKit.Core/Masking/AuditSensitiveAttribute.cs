namespace AuditKit.Masking;

/// <summary>
/// Marks a property or field as sensitive: audit events carry its value masked with <see cref="Style"/>, wherever
/// the value appears (old values, new values and the list of changes). Lives in AuditKit.Core so entity and DTO
/// assemblies need no reference to the EF Core or ASP.NET Core packages.
/// </summary>
/// <example>
/// <code>
/// public sealed class Customer
/// {
///     [AuditSensitive(MaskStyle.Partial, 4)]
///     public string Ssn { get; set; } = "";
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class AuditSensitiveAttribute : Attribute
{
    /// <summary>Marks the member as sensitive, masked with <paramref name="style"/>.</summary>
    /// <param name="style">How the value is masked; <see cref="MaskStyle.Redact"/> unless said otherwise.</param>
    public AuditSensitiveAttribute(MaskStyle style = MaskStyle.Redact)
    {
        Style = style;
    }

    /// <summary>Marks the member as sensitive, masked with <paramref name="style"/> keeping <paramref name="keepLast"/> characters.</summary>
    /// <param name="style">How the value is masked.</param>
    /// <param name="keepLast">For <see cref="MaskStyle.Partial"/>: how many trailing characters stay readable.</param>
    public AuditSensitiveAttribute(MaskStyle style, int keepLast)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepLast);
        Style = style;
        KeepLast = keepLast;
    }

    /// <summary>How the value is masked.</summary>
    public MaskStyle Style { get; }

    /// <summary>
    /// For <see cref="MaskStyle.Partial"/>: how many trailing characters stay readable;
    /// <see langword="null"/> uses <see cref="AuditMaskingOptions.PartialKeepLast"/>.
    /// </summary>
    public int? KeepLast { get; }
}
