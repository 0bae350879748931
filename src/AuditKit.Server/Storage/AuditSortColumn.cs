using System.Globalization;

namespace AuditKit.Server.Storage;

/// <summary>
/// How each <see cref="AuditSortField"/> maps to a column, whether it can be null, and how its value is carried in an
/// <see cref="AuditCursor"/> (an invariant string) and bound back as a parameter.
/// </summary>
internal sealed record AuditSortColumn(string Column, bool Nullable)
{
    public static AuditSortColumn For(AuditSortField field) => field switch
    {
        AuditSortField.Timestamp => new("timestamp", false),
        AuditSortField.ReceivedAt => new("received_at", false),
        AuditSortField.Severity => new("severity", false),
        AuditSortField.Action => new("action", false),
        AuditSortField.UserId => new("user_id", true),
        AuditSortField.ResourceType => new("resource_type", true),
        AuditSortField.StatusCode => new("status_code", true),
        AuditSortField.DurationMs => new("duration_ms", true),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown sort field."),
    };

    /// <summary>The cursor form of <paramref name="auditEvent"/>'s value of <paramref name="field"/>.</summary>
    public static string? CursorValue(AuditSortField field, AuditEvent auditEvent) => field switch
    {
        AuditSortField.Timestamp => auditEvent.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        AuditSortField.ReceivedAt => auditEvent.ReceivedAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        AuditSortField.Severity => ((int)auditEvent.Severity).ToString(CultureInfo.InvariantCulture),
        AuditSortField.Action => auditEvent.Action,
        AuditSortField.UserId => auditEvent.UserId,
        AuditSortField.ResourceType => auditEvent.ResourceType,
        AuditSortField.StatusCode => auditEvent.StatusCode?.ToString(CultureInfo.InvariantCulture),
        AuditSortField.DurationMs => auditEvent.DurationMs?.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown sort field."),
    };

    /// <summary>The cursor form of <paramref name="row"/>'s value of <paramref name="field"/>, as for an event.</summary>
    public static string? CursorValue(AuditSortField field, AuditEventRow row) => field switch
    {
        AuditSortField.Timestamp => row.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        AuditSortField.ReceivedAt => row.ReceivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        AuditSortField.Severity => ((int)row.Severity).ToString(CultureInfo.InvariantCulture),
        AuditSortField.Action => row.Action,
        AuditSortField.UserId => row.UserId,
        AuditSortField.ResourceType => row.ResourceType,
        AuditSortField.StatusCode => row.StatusCode?.ToString(CultureInfo.InvariantCulture),
        AuditSortField.DurationMs => row.DurationMs?.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown sort field."),
    };

    /// <summary>The parameter value for a cursor's value of <paramref name="field"/>.</summary>
    /// <exception cref="ArgumentException">The value is not one this store wrote for that field.</exception>
    public static object? ParameterValue(AuditSortField field, string? value, AuditSqlDialect dialect)
    {
        if (value is null)
        {
            return For(field).Nullable ? null : throw InvalidCursor();
        }

        switch (field)
        {
            case AuditSortField.Timestamp or AuditSortField.ReceivedAt:
                return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
                    ? dialect.TimeValue(time)
                    : throw InvalidCursor();
            case AuditSortField.Severity:
                return short.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var severity) ? severity : throw InvalidCursor();
            case AuditSortField.StatusCode:
                return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : throw InvalidCursor();
            case AuditSortField.DurationMs:
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var duration) ? duration : throw InvalidCursor();
            default:
                return value;
        }
    }

    private static ArgumentException InvalidCursor() => new("The cursor does not hold a valid position.", "cursor");
}
