namespace AuditKit.Server.Storage;

/// <summary>The columns of <c>audit_events</c> in the order the stores write and read them, and the reader of one row.</summary>
internal static class AuditEventColumns
{
    /// <summary>
    /// The contract's fields from <c>resource_type</c> to <c>data_classification</c>, in contract order: each is stored in
    /// a column of its name, and the CSV export writes a column of that name for each.
    /// </summary>
    public static readonly string[] ContractFields =
    [
        "resource_type", "resource_id", "resource_name", "user_id", "username", "user_email",
        "status", "severity", "service_name", "service_version",
        "method", "path", "route", "query", "status_code", "duration_ms",
        "ip_address", "user_agent", "request_id", "trace_id", "session_id",
        "description", "error_code", "error_message",
        "changes", "old_values", "new_values", "metadata", "tags", "data_classification",
    ];

    /// <summary>Column names in write order (COPY, INSERT) and read order (<see cref="SelectList"/>).</summary>
    public static readonly string[] Names =
    [
        "tenant_id", "id", "timestamp", "received_at", "source", "action", "category",
        .. ContractFields,
        "seq", "hash", "salt", "personal_digests", "stack_trace", ActionCanonicalColumn,
    ];

    /// <summary>The column of the canonical action (see <see cref="AuditEventRow.ActionCanonical"/>).</summary>
    public const string ActionCanonicalColumn = "action_canonical";

    /// <summary>
    /// The columns derived from others when a row is written: stored for queries, not part of the canonical form the
    /// chain hashes (see <see cref="AuditEventCanonicalForm"/>), so deriving them again never changes a hash.
    /// </summary>
    public static readonly IReadOnlySet<string> Derived = new HashSet<string>(StringComparer.Ordinal) { ActionCanonicalColumn };

    /// <summary>
    /// The canonical action over alias <c>e</c>, what detection reads: the raw action stands in for a row stored before
    /// the column and not yet backfilled.
    /// </summary>
    public const string CanonicalActionSql = "COALESCE(e." + ActionCanonicalColumn + ", e.action)";

    private static readonly int s_actionCanonical = Array.IndexOf(Names, ActionCanonicalColumn);

    /// <summary>The select list over alias <c>e</c>.</summary>
    public static readonly string SelectList = string.Join(", ", Names.Select(n => "e." + n));

    /// <summary>The column list, unqualified.</summary>
    public static readonly string List = string.Join(", ", Names);

    /// <summary>Reads the current row of a reader over <see cref="SelectList"/>, its JSON fields parsed.</summary>
    public static AuditEvent Read(DbDataReader reader, AuditSqlDialect dialect) => ReadRow(reader, dialect).ToEvent();

    /// <summary>
    /// Reads the current row of a reader over <see cref="SelectList"/> as stored: the JSON fields stay the text the
    /// database holds, unparsed (for exports, which write them out again).
    /// </summary>
    public static AuditEventRow ReadRow(DbDataReader reader, AuditSqlDialect dialect) => new()
    {
        TenantId = reader.GetString(0),
        Id = dialect.ReadId(reader, 1),
        Timestamp = dialect.ReadTime(reader, 2),
        ReceivedAt = dialect.ReadTime(reader, 3),
        Source = reader.GetString(4),
        Action = reader.GetString(5),
        Category = String(reader, 6),
        ResourceType = String(reader, 7),
        ResourceId = String(reader, 8),
        ResourceName = String(reader, 9),
        UserId = String(reader, 10),
        Username = String(reader, 11),
        UserEmail = String(reader, 12),
        Status = (AuditStatus)reader.GetInt16(13),
        Severity = (AuditSeverity)reader.GetInt16(14),
        ServiceName = String(reader, 15),
        ServiceVersion = String(reader, 16),
        Method = String(reader, 17),
        Path = String(reader, 18),
        Route = String(reader, 19),
        Query = String(reader, 20),
        StatusCode = reader.IsDBNull(21) ? null : reader.GetInt32(21),
        DurationMs = reader.IsDBNull(22) ? null : reader.GetDouble(22),
        IpAddress = String(reader, 23),
        UserAgent = String(reader, 24),
        RequestId = String(reader, 25),
        TraceId = String(reader, 26),
        SessionId = String(reader, 27),
        Description = String(reader, 28),
        ErrorCode = String(reader, 29),
        ErrorMessage = String(reader, 30),
        Changes = String(reader, 31),
        OldValues = String(reader, 32),
        NewValues = String(reader, 33),
        Metadata = String(reader, 34),
        Tags = String(reader, 35),
        DataClassification = String(reader, 36),
        Seq = reader.GetInt64(37),
        Hash = Bytes(reader, 38),
        Salt = Bytes(reader, 39),
        PersonalDigests = Bytes(reader, 40),
        StackTrace = String(reader, 41),
        ActionCanonical = String(reader, s_actionCanonical),
    };

    private static byte[]? Bytes(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : (byte[])reader.GetValue(ordinal);

    private static string? String(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
