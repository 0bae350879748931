using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditKit.Server.Storage;
using CsvHelper;

namespace AuditKit.Server.Api;

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
        "id", "timestamp", "received_at", "tenant_id", "source", "action", "category",
        "resource_type", "resource_id", "resource_name", "user_id", "username", "user_email",
        "status", "severity", "service_name", "service_version",
        "method", "path", "route", "query", "status_code", "duration_ms",
        "ip_address", "user_agent", "request_id", "trace_id", "session_id",
        "description", "error_code", "error_message",
        "changes", "old_values", "new_values", "metadata", "tags", "data_classification",
    ];

    private static readonly CsvWriterOptions s_options = CsvWriterOptions.Default with
    {
        NewLine = "\r\n",
        Injection = CsvInjection.Escape,
        InjectionCharacters = "=+-@\t\r",
        InjectionEscape = '\'',
    };

    public static async Task<long> WriteAsync(IAsyncEnumerable<AuditEvent> events, Stream body, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(body, s_options, leaveOpen: true);
        csv.WriteHeader(Columns);
        long rows = 0;
        await foreach (var auditEvent in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            WriteRow(csv, auditEvent, json);
            await csv.EndRecordAsync(cancellationToken).ConfigureAwait(false);
            rows++;
        }

        await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static void WriteRow(CsvWriter csv, AuditEvent e, JsonSerializerOptions json)
    {
        csv.WriteField(e.Id.ToString("D", CultureInfo.InvariantCulture));
        csv.WriteField(Time(e.Timestamp));
        csv.WriteField(e.ReceivedAt is { } received ? Time(received) : null);
        csv.WriteField(e.TenantId);
        csv.WriteField(e.Source);
        csv.WriteField(e.Action);
        csv.WriteField(e.Category);
        csv.WriteField(e.ResourceType);
        csv.WriteField(e.ResourceId);
        csv.WriteField(e.ResourceName);
        csv.WriteField(e.UserId);
        csv.WriteField(e.Username);
        csv.WriteField(e.UserEmail);
        csv.WriteField(e.Status.ToString().ToUpperInvariant());
        csv.WriteField(e.Severity.ToString().ToUpperInvariant());
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
        csv.WriteField(e.Changes is { } changes ? JsonSerializer.Serialize(changes, json.GetTypeInfo(typeof(IList<AuditChange>))) : null);
        csv.WriteField(Json(e.OldValues));
        csv.WriteField(Json(e.NewValues));
        csv.WriteField(Json(e.Metadata));
        csv.WriteField(e.Tags is { } tags ? JsonSerializer.Serialize(tags, json.GetTypeInfo(typeof(IList<string>))) : null);
        csv.WriteField(e.DataClassification);
    }

    private static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string? Json(JsonObject? value) => value?.ToJsonString(AuditStorageJsonContext.StoredOptions);
}
