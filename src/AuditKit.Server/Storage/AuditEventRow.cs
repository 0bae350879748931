using AuditKit.Server.Actions;

namespace AuditKit.Server.Storage;

/// <summary>
/// The stored shape of an <see cref="AuditEvent"/>: one row of <c>audit_events</c>. JSON fields are kept as their
/// serialized text (jsonb on PostgreSQL, TEXT on SQLite); status and severity as their small-int enum values, so
/// severity sorts by how much it matters.
/// </summary>
internal sealed class AuditEventRow
{
    public required string TenantId { get; set; }
    public Guid Id { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string Source { get; set; }
    public required string Action { get; set; }
    public string? Category { get; set; }
    public string? ResourceType { get; set; }
    public string? ResourceId { get; set; }
    public string? ResourceName { get; set; }
    public string? UserId { get; set; }
    public string? Username { get; set; }
    public string? UserEmail { get; set; }
    public AuditStatus Status { get; set; }
    public AuditSeverity Severity { get; set; }
    public string? ServiceName { get; set; }
    public string? ServiceVersion { get; set; }
    public string? Method { get; set; }
    public string? Path { get; set; }
    public string? Route { get; set; }
    public string? Query { get; set; }
    public int? StatusCode { get; set; }
    public double? DurationMs { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public string? RequestId { get; set; }
    public string? TraceId { get; set; }
    public string? SessionId { get; set; }
    public string? Description { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? Changes { get; set; }
    public string? OldValues { get; set; }
    public string? NewValues { get; set; }
    public string? Metadata { get; set; }
    public string? Tags { get; set; }
    public string? DataClassification { get; set; }

    /// <summary>The failure's stack trace; the last column of <c>audit_events</c> (added after the chain's columns).</summary>
    public string? StackTrace { get; set; }

    /// <summary>
    /// The event's place in its tenant's chain: 1, 2, 3, … in commit order, no gaps (see docs/integrity.md). Events
    /// stored before the chain existed were numbered by the upgrade and carry no <see cref="Hash"/>.
    /// </summary>
    public long Seq { get; set; }

    /// <summary>SHA-256(previous event's hash || canonical bytes of this one); 32 bytes. Null for events stored before the chain.</summary>
    public byte[]? Hash { get; set; }

    /// <summary>
    /// The per-event random salt (16 bytes) of the digests that stand for the personal fields in the canonical form.
    /// Erasure drops it together with the values, keeping <see cref="PersonalDigests"/>.
    /// </summary>
    public byte[]? Salt { get; set; }

    /// <summary>
    /// The digests of personal fields whose values were erased: for each, its field id (2 bytes, big-endian) and its
    /// 32-byte digest. Null while nothing of the event was erased.
    /// </summary>
    public byte[]? PersonalDigests { get; set; }

    /// <summary>
    /// <see cref="Action"/> in the action vocabulary (see <see cref="ActionVocabulary"/>): derived from the action when
    /// the row is written, so it is not part of the canonical form the chain hashes. Null only for rows stored before
    /// the column existed and not yet backfilled (see <see cref="AuditActionBackfill"/>).
    /// </summary>
    public string? ActionCanonical { get; set; }

    /// <summary>The event this row stores, its JSON fields parsed.</summary>
    public AuditEvent ToEvent() => new()
    {
        TenantId = TenantId,
        Id = Id,
        Timestamp = Timestamp,
        ReceivedAt = ReceivedAt,
        Source = Source,
        Action = Action,
        ActionCanonical = ActionCanonical,
        Category = Category,
        ResourceType = ResourceType,
        ResourceId = ResourceId,
        ResourceName = ResourceName,
        UserId = UserId,
        Username = Username,
        UserEmail = UserEmail,
        Status = Status,
        Severity = Severity,
        ServiceName = ServiceName,
        ServiceVersion = ServiceVersion,
        Method = Method,
        Path = Path,
        Route = Route,
        Query = Query,
        StatusCode = StatusCode,
        DurationMs = DurationMs,
        IpAddress = IpAddress,
        UserAgent = UserAgent,
        RequestId = RequestId,
        TraceId = TraceId,
        SessionId = SessionId,
        Description = Description,
        ErrorCode = ErrorCode,
        ErrorMessage = ErrorMessage,
        Changes = Changes is null ? null : JsonSerializer.Deserialize(Changes, AuditStorageJsonContext.Stored.ListAuditChange),
        OldValues = JsonObjectOrNull(OldValues),
        NewValues = JsonObjectOrNull(NewValues),
        Metadata = JsonObjectOrNull(Metadata),
        Tags = Tags is null ? null : JsonSerializer.Deserialize(Tags, AuditStorageJsonContext.Stored.ListString),
        DataClassification = DataClassification,
        StackTrace = StackTrace,
    };

    /// <summary>
    /// The row storing <paramref name="auditEvent"/> for <paramref name="tenantId"/>: times in UTC truncated to
    /// microseconds (PostgreSQL's precision, used by both stores so they answer alike), JSON fields serialized, NUL
    /// characters replaced (see <see cref="StoredText"/>), the canonical action taken from <paramref name="actions"/>
    /// (the built-in vocabulary when null).
    /// </summary>
    public static AuditEventRow From(string tenantId, AuditEvent auditEvent, DateTimeOffset receivedAt, ActionVocabulary? actions = null)
    {
        var row = Fields(tenantId, auditEvent, receivedAt);
        row.ActionCanonical = (actions ?? ActionVocabulary.Builtin).Canonical(tenantId, row.Action);
        return row;
    }

    private static AuditEventRow Fields(string tenantId, AuditEvent auditEvent, DateTimeOffset receivedAt) => new()
    {
        TenantId = tenantId,
        Id = auditEvent.Id,
        Timestamp = ToStoredTime(auditEvent.Timestamp),
        ReceivedAt = ToStoredTime(receivedAt),
        Source = StoredText.Clean(auditEvent.Source) ?? AuditSources.Manual,
        Action = StoredText.Clean(auditEvent.Action) ?? string.Empty,
        Category = StoredText.Clean(auditEvent.Category),
        ResourceType = StoredText.Clean(auditEvent.ResourceType),
        ResourceId = StoredText.Clean(auditEvent.ResourceId),
        ResourceName = StoredText.Clean(auditEvent.ResourceName),
        UserId = StoredText.Clean(auditEvent.UserId),
        Username = StoredText.Clean(auditEvent.Username),
        UserEmail = StoredText.Clean(auditEvent.UserEmail),
        Status = auditEvent.Status,
        Severity = auditEvent.Severity,
        ServiceName = StoredText.Clean(auditEvent.ServiceName),
        ServiceVersion = StoredText.Clean(auditEvent.ServiceVersion),
        Method = StoredText.Clean(auditEvent.Method),
        Path = StoredText.Clean(auditEvent.Path),
        Route = StoredText.Clean(auditEvent.Route),
        Query = StoredText.Clean(auditEvent.Query),
        StatusCode = auditEvent.StatusCode,
        DurationMs = auditEvent.DurationMs,
        IpAddress = StoredText.Clean(auditEvent.IpAddress),
        UserAgent = StoredText.Clean(auditEvent.UserAgent),
        RequestId = StoredText.Clean(auditEvent.RequestId),
        TraceId = StoredText.Clean(auditEvent.TraceId),
        SessionId = StoredText.Clean(auditEvent.SessionId),
        Description = StoredText.Clean(auditEvent.Description),
        ErrorCode = StoredText.Clean(auditEvent.ErrorCode),
        ErrorMessage = StoredText.Clean(auditEvent.ErrorMessage),
        Changes = auditEvent.Changes is { } changes
            ? StoredText.CleanJson(JsonSerializer.Serialize(changes as List<AuditChange> ?? [.. changes], AuditStorageJsonContext.Stored.ListAuditChange))
            : null,
        OldValues = StoredText.CleanJson(auditEvent.OldValues?.ToJsonString(AuditStorageJsonContext.StoredOptions)),
        NewValues = StoredText.CleanJson(auditEvent.NewValues?.ToJsonString(AuditStorageJsonContext.StoredOptions)),
        Metadata = StoredText.CleanJson(auditEvent.Metadata?.ToJsonString(AuditStorageJsonContext.StoredOptions)),
        Tags = auditEvent.Tags is { } tags
            ? StoredText.CleanJson(JsonSerializer.Serialize(tags as List<string> ?? [.. tags], AuditStorageJsonContext.Stored.ListString))
            : null,
        DataClassification = StoredText.Clean(auditEvent.DataClassification),
        StackTrace = StoredText.Clean(auditEvent.StackTrace),
    };

    /// <summary>A time as stored: UTC, whole microseconds.</summary>
    public static DateTimeOffset ToStoredTime(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    private static JsonObject? JsonObjectOrNull(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;
}
