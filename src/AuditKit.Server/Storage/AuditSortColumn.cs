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
    public static string? CursorValue(AuditSortField field, AuditEvent auditEvent) => CursorValue(
        field, auditEvent.Timestamp, auditEvent.ReceivedAt, auditEvent.Severity, auditEvent.Action, auditEvent.UserId,
        auditEvent.ResourceType, auditEvent.StatusCode, auditEvent.DurationMs);

    /// <summary>The cursor form of <paramref name="row"/>'s value of <paramref name="field"/>, as for an event.</summary>
    public static string? CursorValue(AuditSortField field, AuditEventRow row) => CursorValue(
        field, row.Timestamp, row.ReceivedAt, row.Severity, row.Action, row.UserId, row.ResourceType, row.StatusCode, row.DurationMs);

    // The one text form of each sort field's value, whether it comes from an event or a stored row.
    private static string? CursorValue(
        AuditSortField field,
        DateTimeOffset timestamp,
        DateTimeOffset? receivedAt,
        AuditSeverity severity,
        string? action,
        string? userId,
        string? resourceType,
        int? statusCode,
        double? durationMs) => field switch
    {
        AuditSortField.Timestamp => timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        AuditSortField.ReceivedAt => receivedAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        AuditSortField.Severity => ((int)severity).ToString(CultureInfo.InvariantCulture),
        AuditSortField.Action => action,
        AuditSortField.UserId => userId,
        AuditSortField.ResourceType => resourceType,
        AuditSortField.StatusCode => statusCode?.ToString(CultureInfo.InvariantCulture),
        AuditSortField.DurationMs => durationMs?.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown sort field."),
    };

    /// <summary>The parameter value for a cursor's value of <paramref name="field"/>.</summary>
    /// <exception cref="ArgumentException">The value is not one this store wrote for that field.</exception>
    public static object? ParameterValue(AuditSortField field, string? value, AuditSqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        if (!TryParseCursorValue(field, value, out var parsed))
        {
            throw InvalidCursor();
        }

        return parsed is DateTimeOffset time ? dialect.TimeValue(time) : parsed;
    }

    /// <summary>
    /// Whether <paramref name="value"/> is one this store could have written for <paramref name="field"/>, so that it
    /// can be bound as a parameter: checked before a client's cursor reaches SQL.
    /// </summary>
    public static bool IsCursorValue(AuditSortField field, string? value) => TryParseCursorValue(field, value, out _);

    private static bool TryParseCursorValue(AuditSortField field, string? value, out object? parsed)
    {
        parsed = null;
        if (value is null)
        {
            return For(field).Nullable;
        }

        switch (field)
        {
            case AuditSortField.Timestamp or AuditSortField.ReceivedAt:
                if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                {
                    parsed = time;
                    return true;
                }

                return false;
            case AuditSortField.Severity:
                if (short.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var severity))
                {
                    parsed = severity;
                    return true;
                }

                return false;
            case AuditSortField.StatusCode:
                if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                {
                    parsed = code;
                    return true;
                }

                return false;
            case AuditSortField.DurationMs:
                // Ingest stores finite durations only; NaN or an infinity cannot be bound on every provider.
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var duration) && double.IsFinite(duration))
                {
                    parsed = duration;
                    return true;
                }

                return false;
            default:
                // PostgreSQL text cannot hold NUL (stored text never does: it is replaced on the way in).
                if (value.Contains('\0', StringComparison.Ordinal))
                {
                    return false;
                }

                parsed = value;
                return true;
        }
    }

    private static ArgumentException InvalidCursor() => new("The cursor does not hold a valid position.", "cursor");
}
