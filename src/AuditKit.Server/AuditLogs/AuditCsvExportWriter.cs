using System.Buffers;
using CsvHelper;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Writes events as RFC 4180 CSV (CRLF line ends, fields quoted when they hold a comma, quote or line break, quotes
/// doubled) with CsvHelper, one column per field of the event contract; JSON fields (changes, old/new values,
/// metadata, tags) as compact JSON text. A text cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or
/// carriage return is prefixed with <c>'</c>, so a spreadsheet shows it rather than running it as a formula.
/// </summary>
/// <remarks>
/// CsvHelper buffers 64 KiB and <see cref="CsvWriter.EndRecordAsync"/> writes it to the response asynchronously
/// when it is mostly full: memory stays flat whatever the export's size, and nothing writes to the response
/// synchronously.
/// </remarks>
internal static class AuditCsvExportWriter
{
    /// <summary>The header row, in contract order.</summary>
    public static readonly string[] Columns =
    [
        "id", "timestamp", "received_at", "tenant_id", "source", "action", "action_canonical", "category",
        .. AuditEventColumns.ContractFields,
        "stack_trace",
    ];

    private static readonly CsvWriterOptions s_options = CsvWriterOptions.Default with
    {
        NewLine = "\r\n",
        Injection = CsvInjection.Escape,
        InjectionCharacters = "=+-@\t\r",
        InjectionEscape = '\'',
    };

    public static async Task<long> WriteAsync(IAsyncEnumerable<AuditEventRow> events, Stream body, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(body, s_options, leaveOpen: true);
        csv.WriteHeader(Columns);
        using var cells = new JsonCells(json);
        long rows = 0;
        await foreach (var row in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            WriteRow(csv, row, cells);
            await csv.EndRecordAsync(cancellationToken).ConfigureAwait(false);
            rows++;
        }

        await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static void WriteRow(CsvWriter csv, AuditEventRow e, JsonCells cells)
    {
        csv.WriteField(e.Id.ToString("D", CultureInfo.InvariantCulture));
        csv.WriteField(Time(e.Timestamp));
        csv.WriteField(Time(e.ReceivedAt));
        csv.WriteField(e.TenantId);
        csv.WriteField(e.Source);
        csv.WriteField(e.Action);
        csv.WriteField(e.ActionCanonical);
        csv.WriteField(e.Category);
        csv.WriteField(e.ResourceType);
        csv.WriteField(e.ResourceId);
        csv.WriteField(e.ResourceName);
        csv.WriteField(e.UserId);
        csv.WriteField(e.Username);
        csv.WriteField(e.UserEmail);
        csv.WriteField(AuditEnumNames.StatusNames[(int)e.Status]);
        csv.WriteField(AuditEnumNames.SeverityNames[(int)e.Severity]);
        csv.WriteField(e.ServiceName);
        csv.WriteField(e.ServiceVersion);
        csv.WriteField(e.Method);
        csv.WriteField(e.Path);
        csv.WriteField(e.Route);
        csv.WriteField(e.Query);
        csv.WriteField(e.StatusCode?.ToString(CultureInfo.InvariantCulture));
        csv.WriteField(e.DurationMs?.ToString("R", CultureInfo.InvariantCulture));
        csv.WriteField(e.IpAddress);
        csv.WriteField(e.UserAgent);
        csv.WriteField(e.RequestId);
        csv.WriteField(e.TraceId);
        csv.WriteField(e.SessionId);
        csv.WriteField(e.Description);
        csv.WriteField(e.ErrorCode);
        csv.WriteField(e.ErrorMessage);
        csv.WriteField(e.Changes is { } changes ? cells.Changes(changes) : null);
        csv.WriteField(cells.Object(e.OldValues));
        csv.WriteField(cells.Object(e.NewValues));
        csv.WriteField(cells.Object(e.Metadata));
        csv.WriteField(e.Tags is { } tags ? cells.Tags(tags) : null);
        csv.WriteField(e.DataClassification);
        csv.WriteField(e.StackTrace);
    }

    private static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The JSON cells of a row as compact text, written from the stored JSON through one reused buffer: changes and
    /// tags as the API writes them (its encoder), old/new values and metadata with the stored text's encoder (non-ASCII
    /// kept), as an event's <c>ToJsonString</c> would.
    /// </summary>
    private sealed class JsonCells(JsonSerializerOptions json) : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);
        private readonly Utf8JsonWriter _api = new(Stream.Null, new JsonWriterOptions { Encoder = json.Encoder });
        private readonly Utf8JsonWriter _stored = new(Stream.Null, new JsonWriterOptions { Encoder = AuditStorageJsonContext.StoredOptions.Encoder });

        public void Dispose()
        {
            _api.Dispose();
            _stored.Dispose();
        }

        public string Changes(string stored) => Write(_api, stored, AuditExportJson.WriteChanges);

        public string Tags(string stored) => Write(_api, stored, AuditExportJson.WriteStored);

        public string? Object(string? stored) =>
            stored is not null && AuditExportJson.IsObject(stored) ? Write(_stored, stored, AuditExportJson.WriteStored) : null;

        private string Write(Utf8JsonWriter writer, string stored, Action<Utf8JsonWriter, string> write)
        {
            _buffer.ResetWrittenCount();
            writer.Reset(_buffer);
            write(writer, stored);
            writer.Flush();
            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }
    }
}
