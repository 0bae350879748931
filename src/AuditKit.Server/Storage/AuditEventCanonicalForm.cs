using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AuditKit.Server.Storage;

/// <summary>
/// Canonical form v1 of a stored event: the bytes its chain hash covers (docs/integrity.md specifies it for
/// re-implementation; tests/AuditKit.Server.Tests/Integrity/vectors holds test vectors). A version byte, then every
/// field that has a value, by ascending field id, as <c>id (u16) · length (u32) · value</c> — big-endian throughout,
/// so no two events encode alike and a field added later (a new line in <see cref="Fields"/>, with an unused id) leaves
/// the encoding of events without it unchanged. Personal fields enter as salted digests, never as values, so erasing
/// a value keeps the chain verifiable (<see cref="PersonalDigest"/>).
/// </summary>
internal static class AuditEventCanonicalForm
{
    /// <summary>The first byte of the encoding.</summary>
    public const byte Version = 1;

    /// <summary>The bytes of a per-event salt.</summary>
    public const int SaltLength = 16;

    /// <summary>The bytes of a hash or digest (SHA-256).</summary>
    public const int HashLength = 32;

    /// <summary>The previous hash of a tenant's first event: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> GenesisHash => new byte[HashLength];

    /// <summary>The id of the <c>seq</c> field.</summary>
    private const ushort SeqFieldId = 3;

    private static readonly string[] s_statusNames = AuditEnumNames.StatusNames;
    private static readonly string[] s_severityNames = AuditEnumNames.SeverityNames;

    /// <summary>Every field of the encoding, by ascending id. Ids are never reused.</summary>
    public static IReadOnlyList<CanonicalField> Fields => s_fields;

    // An array, so encoding an event walks it without an enumerator object or an interface call per field.
    private static readonly CanonicalField[] s_fields =
    [
        new TextField(1, "tenant_id", static r => r.TenantId),
        new UuidField(2, "id", static r => r.Id),
        new IntegerField(SeqFieldId, "seq", static r => r.Seq),
        new TimeField(4, "timestamp", static r => r.Timestamp),
        new TimeField(5, "received_at", static r => r.ReceivedAt),
        new TextField(6, "source", static r => r.Source),
        new TextField(7, "action", static r => r.Action),
        new TextField(8, "category", static r => r.Category),
        new TextField(9, "resource_type", static r => r.ResourceType),
        new TextField(10, "resource_id", static r => r.ResourceId),
        new TextField(11, "resource_name", static r => r.ResourceName),
        new PersonalField(12, "user_id", static r => r.UserId),
        new PersonalField(13, "username", static r => r.Username),
        new PersonalField(14, "user_email", static r => r.UserEmail),
        new TextField(15, "status", static r => s_statusNames[(int)r.Status]),
        new TextField(16, "severity", static r => s_severityNames[(int)r.Severity]),
        new TextField(17, "service_name", static r => r.ServiceName),
        new TextField(18, "service_version", static r => r.ServiceVersion),
        new TextField(19, "method", static r => r.Method),
        new TextField(20, "path", static r => r.Path),
        new TextField(21, "route", static r => r.Route),
        new TextField(22, "query", static r => r.Query),
        new IntegerField(23, "status_code", static r => r.StatusCode),
        new FloatField(24, "duration_ms", static r => r.DurationMs),
        new PersonalField(25, "ip_address", static r => r.IpAddress),
        new PersonalField(26, "user_agent", static r => r.UserAgent),
        new TextField(27, "request_id", static r => r.RequestId),
        new TextField(28, "trace_id", static r => r.TraceId),
        new TextField(29, "session_id", static r => r.SessionId),
        new TextField(30, "description", static r => r.Description),
        new TextField(31, "error_code", static r => r.ErrorCode),
        new TextField(32, "error_message", static r => r.ErrorMessage),
        new ChangesField(33, "changes", static r => r.Changes),
        new JsonField(34, "old_values", static r => r.OldValues, objectOnly: true),
        new JsonField(35, "new_values", static r => r.NewValues, objectOnly: true),
        new JsonField(36, "metadata", static r => r.Metadata, objectOnly: true),
        new JsonField(37, "tags", static r => r.Tags, objectOnly: false),
        new TextField(38, "data_classification", static r => r.DataClassification),
        new TextField(39, "stack_trace", static r => r.StackTrace),
    ];

    /// <summary>The canonical bytes of <paramref name="row"/> (its <see cref="AuditEventRow.Seq"/> and salt set).</summary>
    public static byte[] Encode(AuditEventRow row)
    {
        var writer = new CanonicalWriter();
        Encode(row, writer);
        return writer.Written.ToArray();
    }

    /// <summary>Writes the canonical bytes of <paramref name="row"/> to <paramref name="writer"/> (cleared first).</summary>
    public static void Encode(AuditEventRow row, CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Clear();
        Append(row, writer);
    }

    /// <summary>SHA-256(<paramref name="previousHash"/> || canonical bytes of <paramref name="row"/>).</summary>
    public static byte[] Hash(ReadOnlySpan<byte> previousHash, AuditEventRow row, CanonicalWriter scratch)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(scratch);

        // One buffer holding prev || canonical bytes, hashed in one call: no hash object per event.
        scratch.Clear();
        scratch.WriteBytes(previousHash);
        Append(row, scratch);
        return SHA256.HashData(scratch.Written);
    }

    /// <summary>
    /// Appends the canonical bytes of <paramref name="row"/> to <paramref name="writer"/> (not cleared) and returns where
    /// in the writer the 8 bytes of its seq value are, so <see cref="AuditChainBatch"/> can set the seq after encoding.
    /// </summary>
    internal static int AppendLinkable(AuditEventRow row, CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(writer);
        var seqAt = -1;
        writer.WriteByte(Version);
        foreach (var field in s_fields)
        {
            if (field.Id == SeqFieldId)
            {
                // id (u16) · length (u32) · value: the seq, an int64 always present, starts 6 bytes in.
                seqAt = writer.Length + 6;
            }

            field.Write(writer, row);
        }

        return seqAt;
    }

    private static void Append(AuditEventRow row, CanonicalWriter writer)
    {
        writer.WriteByte(Version);
        foreach (var field in s_fields)
        {
            field.Write(writer, row);
        }
    }

    /// <summary>
    /// The digest standing for a personal field's value: SHA-256(salt || field id (u16, big-endian) || UTF-8 value).
    /// The salt keeps a digest of a short value (an IP address) from being found by trying every value, once the salt
    /// is dropped by erasure.
    /// </summary>
    public static byte[] PersonalDigest(ReadOnlySpan<byte> salt, ushort fieldId, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var digest = new byte[HashLength];
        WritePersonalDigest(salt, fieldId, value, digest);
        return digest;
    }

    /// <summary><see cref="PersonalDigest"/> into <paramref name="destination"/> (32 bytes), with no allocation for usual values.</summary>
    private static void WritePersonalDigest(ReadOnlySpan<byte> salt, ushort fieldId, string value, Span<byte> destination)
    {
        // Room for the longest UTF-8 the value can take, so it is encoded in one pass (no byte count first).
        var room = salt.Length + 2 + Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var input = room <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(room));
        try
        {
            salt.CopyTo(input);
            BinaryPrimitives.WriteUInt16BigEndian(input[salt.Length..], fieldId);
            var length = salt.Length + 2 + Encoding.UTF8.GetBytes(value, input[(salt.Length + 2)..]);
            ReusedSha256.Hash(input[..length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The stored digest of an erased personal field in <see cref="AuditEventRow.PersonalDigests"/>, if any.</summary>
    public static ReadOnlySpan<byte> StoredDigest(byte[]? personalDigests, ushort fieldId)
    {
        if (personalDigests is null)
        {
            return default;
        }

        for (var at = 0; at + 2 + HashLength <= personalDigests.Length; at += 2 + HashLength)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(personalDigests.AsSpan(at, 2)) == fieldId)
            {
                return personalDigests.AsSpan(at + 2, HashLength);
            }
        }

        return default;
    }

    /// <summary>One field of the encoding: writes <c>id · length · value</c> when the row has a value, nothing otherwise.</summary>
    internal abstract class CanonicalField(ushort id, string name)
    {
        /// <summary>The field id (never reused).</summary>
        public ushort Id { get; } = id;

        /// <summary>The column and wire name.</summary>
        public string Name { get; } = name;

        /// <summary>How the value is encoded, as docs/integrity.md names it.</summary>
        public abstract string Kind { get; }

        public abstract void Write(CanonicalWriter writer, AuditEventRow row);

        protected int Begin(CanonicalWriter writer)
        {
            writer.WriteUInt16(Id);
            return writer.BeginLength();
        }
    }

    private sealed class TextField(ushort id, string name, Func<AuditEventRow, string?> value) : CanonicalField(id, name)
    {
        public override string Kind => "text";

        public override void Write(CanonicalWriter writer, AuditEventRow row)
        {
            if (value(row) is { } text)
            {
                var start = Begin(writer);
                writer.WriteUtf8(text);
                writer.EndLength(start);
            }
        }
    }

    private sealed class UuidField(ushort id, string name, Func<AuditEventRow, Guid> value) : CanonicalField(id, name)
    {
        public override string Kind => "uuid";

        public override void Write(CanonicalWriter writer, AuditEventRow row)
        {
            var start = Begin(writer);
            Span<byte> bytes = stackalloc byte[16];
            value(row).TryWriteBytes(bytes, bigEndian: true, out _);
            writer.WriteBytes(bytes);
            writer.EndLength(start);
        }
    }

    private sealed class IntegerField(ushort id, string name, Func<AuditEventRow, long?> value) : Int64Field(id, name, "int64")
    {
        protected override long? Value(AuditEventRow row) => value(row);
    }

    /// <summary>A double written as the 64 bits of its IEEE 754 form.</summary>
    private sealed class FloatField(ushort id, string name, Func<AuditEventRow, double?> value) : Int64Field(id, name, "float64")
    {
        protected override long? Value(AuditEventRow row) => value(row) is { } number ? BitConverter.DoubleToInt64Bits(number) : null;
    }

    /// <summary>A field written as 8 bytes of a 64-bit integer, left out when it has no value.</summary>
    private abstract class Int64Field(ushort id, string name, string kind) : CanonicalField(id, name)
    {
        public override string Kind => kind;

        public override void Write(CanonicalWriter writer, AuditEventRow row)
        {
            if (Value(row) is { } number)
            {
                var start = Begin(writer);
                writer.WriteInt64(number);
                writer.EndLength(start);
            }
        }

        protected abstract long? Value(AuditEventRow row);
    }

    private sealed class TimeField(ushort id, string name, Func<AuditEventRow, DateTimeOffset> value) : CanonicalField(id, name)
    {
        public override string Kind => "time";

        public override void Write(CanonicalWriter writer, AuditEventRow row)
        {
            var start = Begin(writer);
            writer.WriteInt64((value(row).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond);
            writer.EndLength(start);
        }
    }

    private sealed class PersonalField(ushort id, string name, Func<AuditEventRow, string?> value) : CanonicalField(id, name)
    {
        public override string Kind => "personal";

        public override void Write(CanonicalWriter writer, AuditEventRow row)
        {
            var erased = StoredDigest(row.PersonalDigests, Id);
            if (!erased.IsEmpty)
            {
                var start = Begin(writer);
                writer.WriteBytes(erased);
                writer.EndLength(start);
            }
            else if (value(row) is { } text)
            {
                var start = Begin(writer);
                WritePersonalDigest(row.Salt, Id, text, writer.Reserve(HashLength));
                writer.EndLength(start);
            }
        }
    }

    private sealed class JsonField(ushort id, string name, Func<AuditEventRow, string?> value, bool objectOnly) : CanonicalField(id, name)
    {
        public override string Kind => objectOnly ? "json-object" : "json";

        public override void Write(CanonicalWriter writer, AuditEventRow row)
        {
            if (value(row) is not { } json)
            {
                return;
            }

            using var document = JsonDocument.Parse(json);
            // An event's values and metadata are objects; anything else reads (and exports) as none.
            if (objectOnly && document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            var start = Begin(writer);
            CanonicalJson.Write(writer, document.RootElement);
            writer.EndLength(start);
        }
    }

    /// <summary>
    /// The changes in the contract's shape, as every reader and export gives them: each change an object of
    /// <c>property</c> (empty when missing), <c>old</c> and <c>new</c>, members whose value is null left out.
    /// </summary>
    private sealed class ChangesField(ushort id, string name, Func<AuditEventRow, string?> value) : CanonicalField(id, name)
    {
        private static readonly byte[] s_property = "property"u8.ToArray();
        private static readonly byte[] s_old = "old"u8.ToArray();
        private static readonly byte[] s_new = "new"u8.ToArray();

        public override string Kind => "changes";

        public override void Write(CanonicalWriter writer, AuditEventRow row)
        {
            if (value(row) is not { } json)
            {
                return;
            }

            using var document = JsonDocument.Parse(json);
            var start = Begin(writer);
            var changes = document.RootElement;
            if (changes.ValueKind != JsonValueKind.Array)
            {
                CanonicalJson.Write(writer, changes);
                writer.EndLength(start);
                return;
            }

            writer.WriteByte(CanonicalJson.Array);
            writer.WriteUInt32((uint)changes.GetArrayLength());
            foreach (var change in changes.EnumerateArray())
            {
                if (change.ValueKind != JsonValueKind.Object)
                {
                    CanonicalJson.Write(writer, change);
                    continue;
                }

                // Members in the order of their UTF-8 names: new, old, property.
                var hasProperty = change.TryGetProperty("property"u8, out var property);
                var writeProperty = !hasProperty || property.ValueKind != JsonValueKind.Null;
                var writeOld = change.TryGetProperty("old"u8, out var old) && old.ValueKind != JsonValueKind.Null;
                var writeNew = change.TryGetProperty("new"u8, out var @new) && @new.ValueKind != JsonValueKind.Null;
                writer.WriteByte(CanonicalJson.Object);
                writer.WriteUInt32((uint)((writeNew ? 1 : 0) + (writeOld ? 1 : 0) + (writeProperty ? 1 : 0)));
                if (writeNew)
                {
                    CanonicalJson.WriteName(writer, s_new);
                    CanonicalJson.Write(writer, @new);
                }

                if (writeOld)
                {
                    CanonicalJson.WriteName(writer, s_old);
                    CanonicalJson.Write(writer, old);
                }

                if (writeProperty)
                {
                    CanonicalJson.WriteName(writer, s_property);
                    if (hasProperty)
                    {
                        CanonicalJson.Write(writer, property);
                    }
                    else
                    {
                        writer.WriteByte(CanonicalJson.String);
                        writer.WriteUInt32(0);
                    }
                }
            }

            writer.EndLength(start);
        }
    }
}
