using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace AuditKit.Server.Integrity;

/// <summary>
/// Verifies the chain held by an NDJSON export (<c>GET /api/v1/audit-logs/export?format=ndjson</c>, which carries each
/// event's <c>seq</c>, <c>hash</c>, <c>salt</c> and erased-field digests): the same recomputation as against the
/// database, with no database. The lines may come in any order (an export is sorted by time): a first pass indexes
/// each line's tenant, seq and place in the file, a second reads them back by seq — memory holds the index, not the
/// events. An export of one tenant with no filter holds its whole chain; a filtered one shows up as <c>missing</c>.
/// Lines marked <c>"record":"erasure_anchor"</c> are the signed erasure anchors of the exported events: checked against
/// the keys the caller trusts (never a key read from the file), they let a rewritten event through as the online verify
/// does; without trusted keys they are not used, and a rewritten event stays a <c>hash_mismatch</c>.
/// </summary>
internal static class AuditExportChainFile
{
    private readonly record struct Line(string TenantId, long Seq, long Offset, int Length);

    /// <summary>Verifies each tenant of the file (or only <paramref name="tenantId"/>), in tenant order, using no erasure anchor.</summary>
    public static Task<IReadOnlyList<(string TenantId, ChainVerification Result, int UncheckedAnchors)>> VerifyAsync(
        string path, string? tenantId, long? fromSeq, long? toSeq, CancellationToken cancellationToken) =>
        VerifyAsync(path, tenantId, fromSeq, toSeq, trustedKeys: null, cancellationToken);

    /// <summary>
    /// Verifies each tenant of the file (or only <paramref name="tenantId"/>), in tenant order. The file's erasure anchors
    /// are checked against <paramref name="trustedKeys"/>; with none given they are not used, and
    /// <c>UncheckedAnchors</c> says how many of the tenant's were left aside.
    /// </summary>
    public static async Task<IReadOnlyList<(string TenantId, ChainVerification Result, int UncheckedAnchors)>> VerifyAsync(
        string path, string? tenantId, long? fromSeq, long? toSeq, IReadOnlyList<SigningKey>? trustedKeys, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var anchors = new List<ErasureAnchorRow>();
        var lines = await IndexAsync(path, anchors, cancellationToken).ConfigureAwait(false);
        var results = new List<(string, ChainVerification, int)>();
        var anchorsByTenant = anchors.ToLookup(static a => a.TenantId, StringComparer.Ordinal);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        foreach (var tenant in lines.Where(l => tenantId is null || l.TenantId == tenantId)
                     .GroupBy(static l => l.TenantId, StringComparer.Ordinal).OrderBy(static g => g.Key, StringComparer.Ordinal))
        {
            var ordered = tenant.OrderBy(static l => l.Seq).ToList();
            var from = fromSeq ?? 1;
            var to = toSeq ?? ordered[^1].Seq;
            var previous = new byte[AuditEventCanonicalForm.HashLength];
            var chained = false;
            ChainVerification? result = null;
            if (from > 1)
            {
                var before = ordered.FindIndex(l => l.Seq == from - 1);
                if (before < 0)
                {
                    result = ChainVerification.Broken(from - 1, ChainBreakReasons.Missing);
                }
                else if (ReadRow(file, ordered[before]).Hash is { } hash)
                {
                    previous = hash;
                    chained = true;
                }
            }

            var tenantAnchors = anchorsByTenant[tenant.Key].ToList();
            IReadOnlyList<ChainWitnessMark> marks = trustedKeys is null ? [] : [.. tenantAnchors.Select(a => ErasureAnchorWitness.Mark(a, trustedKeys))];
            result ??= await AuditChainVerifier.VerifyAsync(
                Rows(file, ordered.Where(l => l.Seq >= from && l.Seq <= to), cancellationToken), from, to, previous, chained, headHash: null, marks,
                cancellationToken).ConfigureAwait(false);
            results.Add((tenant.Key, result, trustedKeys is null ? tenantAnchors.Count : 0));
        }

        return results;
    }

    /// <summary>Reads one exported event (an NDJSON line) back as the row it was written from.</summary>
    public static AuditEventRow ParseRow(ReadOnlySpan<byte> line)
    {
        using var document = JsonDocument.Parse(line.ToArray());
        return ParseRow(document.RootElement);
    }

    /// <summary>Reads an erasure anchor's line (<c>"record":"erasure_anchor"</c>) back as the anchor it was written from.</summary>
    public static ErasureAnchorRow ParseErasureAnchor(JsonElement e) => new()
    {
        TenantId = Text(e, AuditEventFields.TenantId) ?? throw new FormatException("An exported erasure anchor has no tenant_id."),
        Seq = e.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number
            ? seq.GetInt64()
            : throw new FormatException("An exported erasure anchor has no seq."),
        ErasureId = Text(e, "erasure_id") is { } erasureId ? Guid.Parse(erasureId) : Guid.Empty,
        OriginalHash = Hex(e, "original_hash") ?? throw new FormatException("An exported erasure anchor has no original_hash."),
        RewrittenHash = Hex(e, "rewritten_hash"),
        ErasedAt = e.TryGetProperty("erased_at", out var erasedAt) && erasedAt.ValueKind == JsonValueKind.String ? erasedAt.GetDateTimeOffset().ToUniversalTime() : default,
        SignedAt = e.TryGetProperty("signed_at", out var signedAt) && signedAt.ValueKind == JsonValueKind.String ? signedAt.GetDateTimeOffset().ToUniversalTime() : null,
        KeyId = Text(e, "key_id"),
        Signature = Text(e, "signature") is { } signature ? Base64Url.DecodeFromChars(signature) : null,
    };

    private static AuditEventRow ParseRow(JsonElement e)
    {
        return new AuditEventRow
        {
            TenantId = Text(e, AuditEventFields.TenantId) ?? throw new FormatException("An exported event has no tenant_id."),
            Id = e.GetProperty(AuditEventFields.Id).GetGuid(),
            Timestamp = e.GetProperty(AuditEventFields.Timestamp).GetDateTimeOffset().ToUniversalTime(),
            ReceivedAt = e.GetProperty(AuditEventFields.ReceivedAt).GetDateTimeOffset().ToUniversalTime(),
            Source = Text(e, AuditEventFields.Source) ?? string.Empty,
            Action = Text(e, AuditEventFields.Action) ?? string.Empty,
            Category = Text(e, AuditEventFields.Category),
            ResourceType = Text(e, AuditEventFields.ResourceType),
            ResourceId = Text(e, AuditEventFields.ResourceId),
            ResourceName = Text(e, AuditEventFields.ResourceName),
            UserId = Text(e, AuditEventFields.UserId),
            Username = Text(e, AuditEventFields.Username),
            UserEmail = Text(e, AuditEventFields.UserEmail),
            Status = Enum.Parse<AuditStatus>(Text(e, AuditEventFields.Status) ?? nameof(AuditStatus.Success), ignoreCase: true),
            Severity = Enum.Parse<AuditSeverity>(Text(e, AuditEventFields.Severity) ?? nameof(AuditSeverity.Low), ignoreCase: true),
            ServiceName = Text(e, AuditEventFields.ServiceName),
            ServiceVersion = Text(e, AuditEventFields.ServiceVersion),
            Method = Text(e, AuditEventFields.Method),
            Path = Text(e, AuditEventFields.Path),
            Route = Text(e, AuditEventFields.Route),
            Query = Text(e, AuditEventFields.Query),
            StatusCode = e.TryGetProperty(AuditEventFields.StatusCode, out var statusCode) && statusCode.ValueKind == JsonValueKind.Number ? statusCode.GetInt32() : null,
            DurationMs = e.TryGetProperty(AuditEventFields.DurationMs, out var duration) && duration.ValueKind == JsonValueKind.Number ? duration.GetDouble() : null,
            IpAddress = Text(e, AuditEventFields.IpAddress),
            UserAgent = Text(e, AuditEventFields.UserAgent),
            RequestId = Text(e, AuditEventFields.RequestId),
            TraceId = Text(e, AuditEventFields.TraceId),
            SessionId = Text(e, AuditEventFields.SessionId),
            Description = Text(e, AuditEventFields.Description),
            ErrorCode = Text(e, AuditEventFields.ErrorCode),
            ErrorMessage = Text(e, AuditEventFields.ErrorMessage),
            Changes = Raw(e, AuditEventFields.Changes),
            OldValues = Raw(e, AuditEventFields.OldValues),
            NewValues = Raw(e, AuditEventFields.NewValues),
            Metadata = Raw(e, AuditEventFields.Metadata),
            Tags = Raw(e, AuditEventFields.Tags),
            DataClassification = Text(e, AuditEventFields.DataClassification),
            StackTrace = Text(e, AuditEventFields.StackTrace),
            Seq = e.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number
                ? seq.GetInt64()
                : throw new FormatException("An exported event has no seq: export as NDJSON from a server that keeps the chain."),
            Hash = Hex(e, "hash"),
            Salt = Hex(e, "salt"),
            PersonalDigests = Hex(e, "personal_digests"),
        };
    }

    private static async IAsyncEnumerable<AuditEventRow> Rows(
        SafeFileHandle file, IEnumerable<Line> lines, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var line in lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ReadRow(file, line);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static AuditEventRow ReadRow(SafeFileHandle file, Line line)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(line.Length);
        try
        {
            var read = 0;
            while (read < line.Length)
            {
                var n = RandomAccess.Read(file, buffer.AsSpan(read, line.Length - read), line.Offset + read);
                if (n == 0)
                {
                    throw new EndOfStreamException("The export file changed while it was verified.");
                }

                read += n;
            }

            return ParseRow(buffer.AsSpan(0, line.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<List<Line>> IndexAsync(string path, List<ErasureAnchorRow> anchors, CancellationToken cancellationToken)
    {
        var lines = new List<Line>();
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var chunk = new byte[1 << 16];
        var pending = new ArrayBufferWriter<byte>();
        long offset = 0;
        long lineStart = 0;
        int count;
        while ((count = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var span = chunk.AsSpan(0, count);
            while (span.IndexOf((byte)'\n') is var end and >= 0)
            {
                pending.Write(span[..end]);
                Index(pending.WrittenSpan, lineStart, lines, anchors);
                offset += end + 1;
                lineStart = offset;
                pending.Clear();
                span = span[(end + 1)..];
            }

            pending.Write(span);
            offset += span.Length;
        }

        Index(pending.WrittenSpan, lineStart, lines, anchors);
        return lines;
    }

    private static void Index(ReadOnlySpan<byte> line, long offset, List<Line> lines, List<ErasureAnchorRow> anchors)
    {
        var trimmed = line.TrimEnd("\r"u8);
        if (trimmed.Trim(" \t"u8).IsEmpty)
        {
            return;
        }

        using var document = JsonDocument.Parse(trimmed.ToArray());
        var e = document.RootElement;
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("record"u8, out var record))
        {
            // Not an event: an erasure anchor is kept for the check; any other record is not one this version knows.
            if (record.ValueKind == JsonValueKind.String && record.ValueEquals("erasure_anchor"u8))
            {
                anchors.Add(ParseErasureAnchor(e));
                return;
            }

            throw new FormatException($"A line at byte {offset} is a record of an unknown kind ({record.GetRawText()}).");
        }

        var row = ParseRow(e);
        lines.Add(new Line(row.TenantId, row.Seq, offset, trimmed.Length));
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Raw(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetRawText() : null;

    private static byte[]? Hex(JsonElement e, string name) =>
        Text(e, name) is { } hex ? Convert.FromHexString(hex) : null;
}
