using System.Buffers.Text;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Writes a stored event (<see cref="AuditEventRow"/>) as JSON exactly as the serializer writes the
/// <see cref="AuditEvent"/> it holds — same property names and order, nulls left out, enums by name — without
/// making that event: the JSON fields are copied from their stored text token by token (strings escaped by the
/// writer's encoder, as the serializer does), instead of being parsed into objects only to be written out again.
/// </summary>
internal static class AuditExportJson
{
    private static readonly JsonEncodedText s_id = JsonEncodedText.Encode(AuditEventFields.Id);
    private static readonly JsonEncodedText s_timestamp = JsonEncodedText.Encode(AuditEventFields.Timestamp);
    private static readonly JsonEncodedText s_receivedAt = JsonEncodedText.Encode(AuditEventFields.ReceivedAt);
    private static readonly JsonEncodedText s_tenantId = JsonEncodedText.Encode(AuditEventFields.TenantId);
    private static readonly JsonEncodedText s_source = JsonEncodedText.Encode(AuditEventFields.Source);
    private static readonly JsonEncodedText s_action = JsonEncodedText.Encode(AuditEventFields.Action);
    private static readonly JsonEncodedText s_actionCanonical = JsonEncodedText.Encode(AuditEventFields.ActionCanonical);
    private static readonly JsonEncodedText s_category = JsonEncodedText.Encode(AuditEventFields.Category);
    private static readonly JsonEncodedText s_resourceType = JsonEncodedText.Encode(AuditEventFields.ResourceType);
    private static readonly JsonEncodedText s_resourceId = JsonEncodedText.Encode(AuditEventFields.ResourceId);
    private static readonly JsonEncodedText s_resourceName = JsonEncodedText.Encode(AuditEventFields.ResourceName);
    private static readonly JsonEncodedText s_userId = JsonEncodedText.Encode(AuditEventFields.UserId);
    private static readonly JsonEncodedText s_username = JsonEncodedText.Encode(AuditEventFields.Username);
    private static readonly JsonEncodedText s_userEmail = JsonEncodedText.Encode(AuditEventFields.UserEmail);
    private static readonly JsonEncodedText s_status = JsonEncodedText.Encode(AuditEventFields.Status);
    private static readonly JsonEncodedText s_severity = JsonEncodedText.Encode(AuditEventFields.Severity);
    private static readonly JsonEncodedText s_serviceName = JsonEncodedText.Encode(AuditEventFields.ServiceName);
    private static readonly JsonEncodedText s_serviceVersion = JsonEncodedText.Encode(AuditEventFields.ServiceVersion);
    private static readonly JsonEncodedText s_method = JsonEncodedText.Encode(AuditEventFields.Method);
    private static readonly JsonEncodedText s_path = JsonEncodedText.Encode(AuditEventFields.Path);
    private static readonly JsonEncodedText s_route = JsonEncodedText.Encode(AuditEventFields.Route);
    private static readonly JsonEncodedText s_query = JsonEncodedText.Encode(AuditEventFields.Query);
    private static readonly JsonEncodedText s_statusCode = JsonEncodedText.Encode(AuditEventFields.StatusCode);
    private static readonly JsonEncodedText s_durationMs = JsonEncodedText.Encode(AuditEventFields.DurationMs);
    private static readonly JsonEncodedText s_ipAddress = JsonEncodedText.Encode(AuditEventFields.IpAddress);
    private static readonly JsonEncodedText s_userAgent = JsonEncodedText.Encode(AuditEventFields.UserAgent);
    private static readonly JsonEncodedText s_requestId = JsonEncodedText.Encode(AuditEventFields.RequestId);
    private static readonly JsonEncodedText s_traceId = JsonEncodedText.Encode(AuditEventFields.TraceId);
    private static readonly JsonEncodedText s_sessionId = JsonEncodedText.Encode(AuditEventFields.SessionId);
    private static readonly JsonEncodedText s_description = JsonEncodedText.Encode(AuditEventFields.Description);
    private static readonly JsonEncodedText s_errorCode = JsonEncodedText.Encode(AuditEventFields.ErrorCode);
    private static readonly JsonEncodedText s_errorMessage = JsonEncodedText.Encode(AuditEventFields.ErrorMessage);
    private static readonly JsonEncodedText s_changes = JsonEncodedText.Encode(AuditEventFields.Changes);
    private static readonly JsonEncodedText s_oldValues = JsonEncodedText.Encode(AuditEventFields.OldValues);
    private static readonly JsonEncodedText s_newValues = JsonEncodedText.Encode(AuditEventFields.NewValues);
    private static readonly JsonEncodedText s_metadata = JsonEncodedText.Encode(AuditEventFields.Metadata);
    private static readonly JsonEncodedText s_tags = JsonEncodedText.Encode(AuditEventFields.Tags);
    private static readonly JsonEncodedText s_dataClassification = JsonEncodedText.Encode(AuditEventFields.DataClassification);
    private static readonly JsonEncodedText s_stackTrace = JsonEncodedText.Encode(AuditEventFields.StackTrace);
    private static readonly JsonEncodedText s_seq = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText s_hash = JsonEncodedText.Encode("hash");
    private static readonly JsonEncodedText s_salt = JsonEncodedText.Encode("salt");
    private static readonly JsonEncodedText s_personalDigests = JsonEncodedText.Encode("personal_digests");
    private static readonly JsonEncodedText s_property = JsonEncodedText.Encode(AuditEventFields.ChangeProperty);
    private static readonly JsonEncodedText s_old = JsonEncodedText.Encode(AuditEventFields.ChangeOld);
    private static readonly JsonEncodedText s_new = JsonEncodedText.Encode(AuditEventFields.ChangeNew);
    private static readonly JsonEncodedText s_record = JsonEncodedText.Encode(RecordProperty);
    private static readonly JsonEncodedText s_erasureAnchor = JsonEncodedText.Encode(ErasureAnchorRecord);
    private static readonly JsonEncodedText s_erasureId = JsonEncodedText.Encode("erasure_id");
    private static readonly JsonEncodedText s_originalHash = JsonEncodedText.Encode("original_hash");
    private static readonly JsonEncodedText s_rewrittenHash = JsonEncodedText.Encode("rewritten_hash");
    private static readonly JsonEncodedText s_erasedAt = JsonEncodedText.Encode("erased_at");
    private static readonly JsonEncodedText s_signedAt = JsonEncodedText.Encode("signed_at");
    private static readonly JsonEncodedText s_keyId = JsonEncodedText.Encode("key_id");
    private static readonly JsonEncodedText s_signature = JsonEncodedText.Encode("signature");

    /// <summary>
    /// The property that marks an NDJSON line as something other than an event (events never have it): its value says
    /// what the line is.
    /// </summary>
    public const string RecordProperty = "record";

    /// <summary>The <see cref="RecordProperty"/> of a signed erasure anchor's line.</summary>
    public const string ErasureAnchorRecord = "erasure_anchor";

    private static readonly JsonEncodedText[] s_statusNames = [.. AuditEnumNames.StatusNames.Select(static n => JsonEncodedText.Encode(n))];
    private static readonly JsonEncodedText[] s_severityNames = [.. AuditEnumNames.SeverityNames.Select(static n => JsonEncodedText.Encode(n))];

    /// <summary>
    /// Writes <paramref name="row"/> as one JSON object; with <paramref name="chain"/>, followed by its place in the
    /// tenant's hash chain and what recomputing it needs: <c>seq</c>, <c>hash</c>, <c>salt</c> and
    /// <c>personal_digests</c> (hex), see docs/integrity.md.
    /// </summary>
    public static void WriteEvent(Utf8JsonWriter writer, AuditEventRow row, bool chain = false)
    {
        writer.WriteStartObject();
        writer.WriteString(s_id, row.Id);
        writer.WriteString(s_timestamp, row.Timestamp);
        writer.WriteString(s_receivedAt, row.ReceivedAt);
        writer.WriteString(s_tenantId, row.TenantId);
        writer.WriteString(s_source, row.Source);
        writer.WriteString(s_action, row.Action);
        Text(writer, s_actionCanonical, row.ActionCanonical);
        Text(writer, s_category, row.Category);
        Text(writer, s_resourceType, row.ResourceType);
        Text(writer, s_resourceId, row.ResourceId);
        Text(writer, s_resourceName, row.ResourceName);
        Text(writer, s_userId, row.UserId);
        Text(writer, s_username, row.Username);
        Text(writer, s_userEmail, row.UserEmail);
        writer.WriteString(s_status, s_statusNames[(int)row.Status]);
        writer.WriteString(s_severity, s_severityNames[(int)row.Severity]);
        Text(writer, s_serviceName, row.ServiceName);
        Text(writer, s_serviceVersion, row.ServiceVersion);
        Text(writer, s_method, row.Method);
        Text(writer, s_path, row.Path);
        Text(writer, s_route, row.Route);
        Text(writer, s_query, row.Query);
        if (row.StatusCode is { } statusCode)
        {
            writer.WriteNumber(s_statusCode, statusCode);
        }

        if (row.DurationMs is { } durationMs)
        {
            writer.WriteNumber(s_durationMs, durationMs);
        }

        Text(writer, s_ipAddress, row.IpAddress);
        Text(writer, s_userAgent, row.UserAgent);
        Text(writer, s_requestId, row.RequestId);
        Text(writer, s_traceId, row.TraceId);
        Text(writer, s_sessionId, row.SessionId);
        Text(writer, s_description, row.Description);
        Text(writer, s_errorCode, row.ErrorCode);
        Text(writer, s_errorMessage, row.ErrorMessage);
        if (row.Changes is not null)
        {
            writer.WritePropertyName(s_changes);
            WriteChanges(writer, row.Changes);
        }

        StoredObject(writer, s_oldValues, row.OldValues);
        StoredObject(writer, s_newValues, row.NewValues);
        StoredObject(writer, s_metadata, row.Metadata);
        if (row.Tags is not null)
        {
            writer.WritePropertyName(s_tags);
            WriteStored(writer, row.Tags);
        }

        Text(writer, s_dataClassification, row.DataClassification);
        Text(writer, s_stackTrace, row.StackTrace);
        if (chain)
        {
            writer.WriteNumber(s_seq, row.Seq);
            Hex(writer, s_hash, row.Hash);
            Hex(writer, s_salt, row.Salt);
            Hex(writer, s_personalDigests, row.PersonalDigests);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes a signed erasure anchor as one JSON object marked <c>"record":"erasure_anchor"</c>: its tenant, seq and
    /// erasure, <c>original_hash</c> and <c>rewritten_hash</c> (hex), <c>erased_at</c>, <c>signed_at</c>, <c>key_id</c> and
    /// <c>signature</c> (base64url without padding, as the checkpoints endpoint shows one), see docs/integrity.md.
    /// </summary>
    public static void WriteErasureAnchor(Utf8JsonWriter writer, ErasureAnchorRow anchor)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(anchor);
        writer.WriteStartObject();
        writer.WriteString(s_record, s_erasureAnchor);
        writer.WriteString(s_tenantId, anchor.TenantId);
        writer.WriteNumber(s_seq, anchor.Seq);
        writer.WriteString(s_erasureId, anchor.ErasureId);
        Hex(writer, s_originalHash, anchor.OriginalHash);
        Hex(writer, s_rewrittenHash, anchor.RewrittenHash);
        writer.WriteString(s_erasedAt, anchor.ErasedAt);
        if (anchor.SignedAt is { } signedAt)
        {
            writer.WriteString(s_signedAt, signedAt);
        }

        Text(writer, s_keyId, anchor.KeyId);
        if (anchor.Signature is not null)
        {
            writer.WriteString(s_signature, Base64Url.EncodeToString(anchor.Signature));
        }

        writer.WriteEndObject();
    }

    private static void Hex(Utf8JsonWriter writer, JsonEncodedText name, byte[]? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, Convert.ToHexStringLower(value));
        }
    }

    /// <summary>
    /// Writes stored changes in the contract's shape: each as <c>property</c>, <c>old</c>, <c>new</c> in that order
    /// (PostgreSQL's jsonb keeps object keys in an order of its own), old and new left out when null.
    /// </summary>
    public static void WriteChanges(Utf8JsonWriter writer, string stored)
    {
        using var document = JsonDocument.Parse(stored);
        writer.WriteStartArray();
        foreach (var change in document.RootElement.EnumerateArray())
        {
            writer.WriteStartObject();
            if (!change.TryGetProperty("property"u8, out var property))
            {
                writer.WriteString(s_property, string.Empty);
            }
            else if (property.ValueKind != JsonValueKind.Null)
            {
                writer.WriteString(s_property, property.GetString());
            }

            if (change.TryGetProperty("old"u8, out var old) && old.ValueKind != JsonValueKind.Null)
            {
                writer.WritePropertyName(s_old);
                old.WriteTo(writer);
            }

            if (change.TryGetProperty("new"u8, out var @new) && @new.ValueKind != JsonValueKind.Null)
            {
                writer.WritePropertyName(s_new);
                @new.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes stored JSON as it is, its strings escaped by the writer's encoder.</summary>
    public static void WriteStored(Utf8JsonWriter writer, string stored)
    {
        using var document = JsonDocument.Parse(stored);
        document.RootElement.WriteTo(writer);
    }

    /// <summary>Whether stored JSON is an object (what an event's old/new values and metadata hold; anything else reads as none).</summary>
    public static bool IsObject(string stored) => stored.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal);

    private static void StoredObject(Utf8JsonWriter writer, JsonEncodedText name, string? stored)
    {
        if (stored is not null && IsObject(stored))
        {
            writer.WritePropertyName(name);
            WriteStored(writer, stored);
        }
    }

    private static void Text(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
