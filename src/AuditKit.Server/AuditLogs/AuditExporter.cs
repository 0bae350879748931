using System.Diagnostics;
using System.Runtime.CompilerServices;
using AuditKit.Server.Admin;
using AuditKit.Server.Auth;
using Microsoft.Net.Http.Headers;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// Writes an export of a tenant's events to the response — streamed from the database as it is read, as an
/// attachment — and records it in the tenant's log as an <c>EXPORT</c> under the caller. The one code path of the
/// API's <c>/export</c> endpoint and of the console's Export.
/// </summary>
internal static partial class AuditExporter
{
    /// <summary>
    /// Exports every event of <paramref name="caller"/>'s tenant matching <paramref name="query"/> (paging ignored) as
    /// <paramref name="format"/>; <paramref name="filter"/> is the filter as the caller gave it, for the record.
    /// </summary>
    public static async Task ExportAsync(
        HttpContext context, AuditCaller caller, AuditEventQuery query, AuditExportFormat format, JsonObject filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(filter);
        var services = context.RequestServices;
        var store = services.GetRequiredService<IAuditEventStore>();
        var erasures = services.GetRequiredService<IErasureStore>();
        var recorder = services.GetRequiredService<AdminAuditRecorder>();
        var time = services.GetRequiredService<TimeProvider>();
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditExportEndpoints));
        var tenantId = caller.TenantId!;
        query = query with { Cursor = null, Offset = 0, IncludeTotal = false };

        // The first page is read before the status line is sent, so a database that is away is still answered
        // with a status (503) instead of a connection aborted after a 200.
        await using var stream = store.StreamRowsAsync(tenantId, query, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasFirst = await stream.MoveNextAsync();

        var response = context.Response;
        response.ContentType = format.ContentType();
        var fileName = string.Create(
            CultureInfo.InvariantCulture,
            $"audit-logs-{tenantId}-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.{format.Extension()}");
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        response.Headers.CacheControl = "no-store";

        var read = new StrongBox<long>();
        var events = Counted(Resume(stream, hasFirst), read, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var completed = false;
        try
        {
            await response.StartAsync(cancellationToken);
            var rows = format switch
            {
                AuditExportFormat.Csv => await AuditCsvExportWriter.WriteAsync(events, response.Body, json, cancellationToken),
                AuditExportFormat.Ndjson => await AuditJsonExportWriter.WriteAsync(
                    events, response.BodyWriter, lines: true, json, (from, to, ct) => erasures.SignedAnchorsAsync(tenantId, from, to, ct), cancellationToken),
                _ => await AuditJsonExportWriter.WriteAsync(events, response.BodyWriter, lines: false, json, cancellationToken),
            };
            completed = true;
            LogExported(logger, rows, tenantId, format, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nothing to tell it.
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The status line is gone already: abort so the client sees a broken transfer, not a short file.
            LogExportFailed(logger, exception, tenantId, format);
            context.Abort();
        }

        // Rows left the server even when the export was cut short, so it is recorded either way (with the rows read
        // so far). The record is written before the response completes: an export whose record cannot be stored is
        // aborted, so the client never holds a complete file that the log does not show.
        try
        {
            filter["format"] = format.ToString().ToLowerInvariant();
            await recorder.RecordReadAsync(
                context, caller, tenantId, AuditedRead.ExportAction, AuditedRead.EventResourceType, tenantId, "Audit events", AuditSeverity.High,
                $"{read.Value} audit events exported as {filter["format"]}{(completed ? string.Empty : " (cut short)")}.",
                filter, read.Value, CancellationToken.None, completed);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogExportNotRecorded(logger, exception, tenantId);
            context.Abort();
        }
    }

    /// <summary>The rows of an enumerator already moved once (<paramref name="hasCurrent"/> tells whether it has a row).</summary>
    private static async IAsyncEnumerable<AuditEventRow> Resume(IAsyncEnumerator<AuditEventRow> rows, bool hasCurrent)
    {
        for (var more = hasCurrent; more; more = await rows.MoveNextAsync())
        {
            yield return rows.Current;
        }
    }

    private static async IAsyncEnumerable<AuditEventRow> Counted(
        IAsyncEnumerable<AuditEventRow> rows, StrongBox<long> count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            count.Value++;
            yield return row;
        }
    }

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "The export of tenant {TenantId} could not be recorded in its log; the connection was aborted.")]
    private static partial void LogExportNotRecorded(ILogger logger, Exception exception, string tenantId);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Exported {Rows} events of tenant {TenantId} as {Format} in {ElapsedMs:F0} ms.")]
    private static partial void LogExported(ILogger logger, long rows, string tenantId, AuditExportFormat format, double elapsedMs);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Export of tenant {TenantId} as {Format} failed midway; the connection was aborted.")]
    private static partial void LogExportFailed(ILogger logger, Exception exception, string tenantId, AuditExportFormat format);
}
