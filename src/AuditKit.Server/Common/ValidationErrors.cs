namespace AuditKit.Server.Common;

/// <summary>Groups field errors into the <c>errors</c> map of a validation problem (field → messages).</summary>
internal static class ValidationErrors
{
    public static Dictionary<string, string[]> ToDictionary(IEnumerable<AuditFieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors
            .GroupBy(static e => e.Field, StringComparer.Ordinal)
            .ToDictionary(static g => g.Key, static g => g.Select(static e => e.Message).ToArray(), StringComparer.Ordinal);
    }
}
