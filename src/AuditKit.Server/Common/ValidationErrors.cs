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

    /// <summary>
    /// The problem answering a query (a list, an export, a report, the live tail) whose parameters are not valid,
    /// <paramref name="errors"/> by parameter: every query answers it with the same title.
    /// </summary>
    public static ValidationProblem InvalidQuery(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The query is not valid.");
}
