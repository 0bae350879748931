namespace AuditKit.Server.Common;

/// <summary>
/// Parses the wire names of <see cref="AuditStatus"/> and <see cref="AuditSeverity"/> in any case. Stricter than
/// <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>, which would also take numbers such as <c>"7"</c>.
/// </summary>
internal static class AuditEnumNames
{
    public const string StatusList = "SUCCESS, FAILURE, PENDING";

    public const string SeverityList = "LOW, MEDIUM, HIGH, CRITICAL";

    /// <summary>
    /// The wire names of <see cref="AuditStatus"/> by value (<c>StatusNames[(int)status]</c>): what exports write and the
    /// chain's canonical form hashes.
    /// </summary>
    public static readonly string[] StatusNames = Names<AuditStatus>();

    /// <summary>The wire names of <see cref="AuditSeverity"/> by value, as <see cref="StatusNames"/>.</summary>
    public static readonly string[] SeverityNames = Names<AuditSeverity>();

    /// <summary>Parses a wire name, as <see cref="TryParseStatus"/> and <see cref="TryParseSeverity"/> do.</summary>
    public delegate bool Parser<T>(string text, out T value);

    public static bool TryParseStatus(string text, out AuditStatus status)
    {
        (var found, status) = text.Trim().ToUpperInvariant() switch
        {
            "SUCCESS" => (true, AuditStatus.Success),
            "FAILURE" => (true, AuditStatus.Failure),
            "PENDING" => (true, AuditStatus.Pending),
            _ => (false, default),
        };
        return found;
    }

    public static bool TryParseSeverity(string text, out AuditSeverity severity)
    {
        (var found, severity) = text.Trim().ToUpperInvariant() switch
        {
            "LOW" => (true, AuditSeverity.Low),
            "MEDIUM" => (true, AuditSeverity.Medium),
            "HIGH" => (true, AuditSeverity.High),
            "CRITICAL" => (true, AuditSeverity.Critical),
            _ => (false, default),
        };
        return found;
    }

    private static string[] Names<T>()
        where T : struct, Enum =>
        [.. Enum.GetValues<T>().OrderBy(static v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).Select(static v => v.ToString().ToUpperInvariant())];
}
