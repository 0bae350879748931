using System.IO.Pipelines;
using AuditKit.Server.Tests.Api;

namespace AuditKit.Server.Tests.Storage;

/// <summary>
/// Exports write stored rows without making events of them: each event must still come out exactly as the
/// serializer writes the event the store reads back (JSON), and every CSV cell as it would be made from that event.
/// </summary>
public abstract partial class AuditEventStoreContractTests
{
    [Fact]
    public async Task Exported_rows_are_written_exactly_as_their_events_serialize()
    {
        var tenant = NewTenant();
        var events = ExportEvents();
        await Events.InsertAsync(tenant, events, s_received, AuditInsertHooks.None, default);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJsonOptions.Apply(json);
        var query = new AuditEventQuery { SortBy = AuditSortField.Timestamp, Descending = false };

        var expected = new List<AuditEvent>();
        await foreach (var e in Events.StreamAsync(tenant, query, default))
        {
            expected.Add(e);
        }

        var expectedLines = expected.Select(e => JsonSerializer.Serialize(e, json.GetTypeInfo(typeof(AuditEvent)))).ToList();
        using var ndjson = new MemoryStream();
        var pipe = PipeWriter.Create(ndjson);
        (await AuditJsonExportWriter.WriteAsync(Events.StreamRowsAsync(tenant, query, default), pipe, true, json, default)).ShouldBe(events.Count);
        await pipe.CompleteAsync();
        var lines = Encoding.UTF8.GetString(ndjson.ToArray()).Split('\n')[..^1];
        lines.Length.ShouldBe(expectedLines.Count);
        for (var i = 0; i < lines.Length; i++)
        {
            // The event exactly as it serializes, then the chain's link (seq, hash, salt, digests) verify needs.
            lines[i].ShouldStartWith(expectedLines[i][..^1] + ",\"seq\":");
            lines[i].ShouldEndWith("}");
        }

        using var csv = new MemoryStream();
        await AuditCsvExportWriter.WriteAsync(Events.StreamRowsAsync(tenant, query, default), csv, json, default);
        var records = AuditCsv.Parse(Encoding.UTF8.GetString(csv.ToArray()));
        records.Count.ShouldBe(expected.Count + 1);
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, row) = (expected[i], records[i + 1]);
            string Cell(string column) => row[Array.IndexOf(AuditCsvExportWriter.Columns, column)];
            Cell("id").ShouldBe(e.Id.ToString("D"));
            Cell("status").ShouldBe(e.Status.ToString().ToUpperInvariant());
            Cell("severity").ShouldBe(e.Severity.ToString().ToUpperInvariant());
            Cell("changes").ShouldBe(e.Changes is null ? string.Empty : JsonSerializer.Serialize(e.Changes, json.GetTypeInfo(typeof(IList<AuditChange>))));
            Cell("old_values").ShouldBe(e.OldValues?.ToJsonString(AuditStorageJsonContext.StoredOptions) ?? string.Empty);
            Cell("new_values").ShouldBe(e.NewValues?.ToJsonString(AuditStorageJsonContext.StoredOptions) ?? string.Empty);
            Cell("metadata").ShouldBe(e.Metadata?.ToJsonString(AuditStorageJsonContext.StoredOptions) ?? string.Empty);
            Cell("tags").ShouldBe(e.Tags is null ? string.Empty : JsonSerializer.Serialize(e.Tags, json.GetTypeInfo(typeof(IList<string>))));
        }
    }

    [Theory]
    [InlineData(nameof(AuditSortField.Timestamp), false)]
    [InlineData(nameof(AuditSortField.UserId), true)]
    [InlineData(nameof(AuditSortField.DurationMs), false)]
    public async Task A_stream_pages_through_every_match_in_order(string sort, bool descending)
    {
        var sortBy = Enum.Parse<AuditSortField>(sort);
        // More than two pages, with runs of equal sort values and nulls across the page boundaries.
        var tenant = NewTenant();
        var count = (RelationalAuditEventStore.StreamPageSize * 2) + 7;
        var events = Enumerable.Range(0, count).Select(i =>
        {
            var e = StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddSeconds(i / 3));
            e.Id = Guid.NewGuid();
            e.UserId = i % 7 == 0 ? null : $"user-{i % 5}";
            e.DurationMs = i % 4 == 0 ? null : i % 9;
            return e;
        }).ToList();
        foreach (var chunk in events.Chunk(AuditEventLimits.BatchEvents))
        {
            await Events.InsertAsync(tenant, chunk, s_received, AuditInsertHooks.None, default);
        }

        var query = new AuditEventQuery { SortBy = sortBy, Descending = descending, Limit = 1000, IncludeTotal = false };
        var expected = new List<Guid>();
        for (AuditEventPage? page = null; page is null || page.Next is not null;)
        {
            page = await Events.QueryAsync(tenant, page is null ? query : query with { Cursor = page.Next }, default);
            expected.AddRange(page.Items.Select(static e => e.Id));
        }

        var streamed = new List<Guid>();
        await foreach (var e in Events.StreamAsync(tenant, query with { Limit = 3, Offset = 9 }, default))
        {
            streamed.Add(e.Id);
        }

        var rows = new List<Guid>();
        await foreach (var row in Events.StreamRowsAsync(tenant, query, default))
        {
            rows.Add(row.Id);
        }

        expected.Count.ShouldBe(count);
        streamed.ShouldBe(expected);
        rows.ShouldBe(expected);
    }

    /// <summary>Events whose JSON fields hold what escaping, key order and number text can trip on.</summary>
    private static List<AuditEvent> ExportEvents()
    {
        var full = StorageTestEvents.Full(StorageTestEvents.BaseTime.AddTicks(4567));
        var tricky = StorageTestEvents.Full(StorageTestEvents.BaseTime.AddMinutes(1));
        tricky.Id = Guid.CreateVersion7(tricky.Timestamp);
        tricky.Description = "<script>alert('x')</script> & \"quotes\" \\ back\\slash \u0001 \u2028 😀 Zoë";
        tricky.Changes =
        [
            new AuditChange { Property = "Zoë <b>", Old = null, New = JsonValue.Create("naïve & <ok>") },
            new AuditChange { Property = "Amount", Old = JsonValue.Create(1.50m), New = JsonNode.Parse("1e3") },
            new AuditChange { Property = "Nested", Old = new JsonObject { ["z"] = 1, ["a"] = new JsonArray(true, null, "x") }, New = null },
        ];
        tricky.OldValues = new JsonObject { ["zeta"] = "Ω", ["a"] = 0.1, ["long key name"] = new JsonObject { ["n"] = -12.5e-3 }, ["html"] = "<&>'\"" };
        tricky.NewValues = new JsonObject { ["empty"] = new JsonObject(), ["list"] = new JsonArray(), ["nul"] = "\uFFFD" };
        tricky.Metadata = new JsonObject { ["line\nbreak"] = "tab\there", ["big"] = 12345678901234567890m };
        tricky.Tags = ["GDPR", "Ünïcode", "<tag>"];
        tricky.StatusCode = 599;
        tricky.DurationMs = 0.1 + 0.2;
        var minimal = StorageTestEvents.Minimal(StorageTestEvents.BaseTime.AddMinutes(2));
        minimal.Status = AuditStatus.Pending;
        minimal.Severity = AuditSeverity.Critical;
        minimal.Changes = [];
        minimal.Tags = [];
        return [full, tricky, minimal];
    }
}
