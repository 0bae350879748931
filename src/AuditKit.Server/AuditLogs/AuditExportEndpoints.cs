using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using AuditKit.Server.Admin;
using AuditKit.Server.Auth;
using AuditKit.Server.Common;
using AuditKit.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// <c>GET /api/v1/audit-logs/export?format=json|ndjson|csv</c>: every event of the tenant matching the list's filters,
/// in the list's order, streamed from the database to the client as it is read (flat memory, whatever the size), as
/// an attachment. Paging parameters do not apply: an export is everything the filter matches.
/// </summary>
internal static partial class AuditExportEndpoints
{
    public static RouteGroupBuilder MapAuditExportEndpoints(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/export", ExportAsync)
            .RequireAuthorization(AuditKitPolicies.Read)
            .RequireRateLimiting(AuditKitRateLimitPolicies.LongRead)
            .WithName("ExportAuditLogs")
            .WithSummary("Every event matching the list's filters, streamed as JSON, NDJSON or CSV (attachment).")
            .WithDescription(
                "Filters and sort_by / sort_order as for the list; limit, offset and cursor do not apply. CSV follows RFC 4180 " +
                "with a header row; text cells starting with =, +, -, @, tab or carriage return are prefixed with ' so that " +
                "spreadsheets do not run them as formulas. If the export fails midway the connection is aborted, so a cut " +
                "file is never mistaken for a complete one.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        return group;
    }

    private static async Task<Results<EmptyHttpResult, ValidationProblem>> ExportAsync(
        HttpContext context,
        [AsParameters] AuditLogQueryParameters parameters,
        [FromQuery(Name = "format"), Description("json (default), ndjson or csv.")] string? format,
        IAuditEventStore store,
        AdminAuditRecorder recorder,
        IOptions<AuditKitServerOptions> options,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> jsonOptions,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var exportFormat = AuditExportFormat.Json;
        if (!AuditHistoryEndpoints.TryParse(parameters, options.Value, (query, errors) =>
            {
                if (!AuditExportFormats.TryParse(format, out exportFormat))
                {
                    errors["format"] = [$"must be one of {AuditExportFormats.Names}."];
                }

                return query with { Cursor = null, Offset = 0, IncludeTotal = false };
            }, out var query, out var problem))
        {
            return problem;
        }

        var caller = AuditCaller.From(context.User);
        var tenantId = caller.TenantId!;
        var logger = loggers.CreateLogger(typeof(AuditExportEndpoints));

        // The first page is read before the status line is sent, so a database that is away is still answered
        // with a status (503) instead of a connection aborted after a 200.
        await using var stream = store.StreamRowsAsync(tenantId, query, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasFirst = await stream.MoveNextAsync();

        var response = context.Response;
        response.ContentType = exportFormat.ContentType();
        var fileName = string.Create(
            CultureInfo.InvariantCulture,
            $"audit-logs-{tenantId}-{time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.{exportFormat.Extension()}");
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        response.Headers.CacheControl = "no-store";

        var json = jsonOptions.Value.SerializerOptions;
        var read = new StrongBox<long>();
        var events = Counted(Resume(stream, hasFirst), read, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var completed = false;
        try
        {
            await response.StartAsync(cancellationToken);
            var rows = exportFormat switch
            {
                AuditExportFormat.Csv => await AuditCsvExportWriter.WriteAsync(events, response.Body, json, cancellationToken),
                _ => await AuditJsonExportWriter.WriteAsync(events, response.BodyWriter, exportFormat == AuditExportFormat.Ndjson, json, cancellationToken),
            };
            completed = true;
            LogExported(logger, rows, tenantId, exportFormat, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nothing to tell it.
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The status line is gone already: abort so the client sees a broken transfer, not a short file.
            LogExportFailed(logger, exception, tenantId, exportFormat);
            context.Abort();
        }

        // Rows left the server even when the export was cut short, so it is recorded either way (with the rows read
        // so far). The record is written before the response completes: an export whose record cannot be stored is
        // aborted, so the client never holds a complete file that the log does not show.
        try
        {
            var filter = AuditedRead.Filter(context.Request);
            filter["format"] = exportFormat.ToString().ToLowerInvariant();
            await recorder.RecordAsync(
                context,
                caller,
                tenantId,
                AuditedRead.Describe(
                    caller, AuditedRead.ExportAction, AuditedRead.EventResourceType, tenantId, "Audit events", AuditSeverity.High,
                    $"{read.Value} audit events exported as {filter["format"]}{(completed ? string.Empty : " (cut short)")}.",
                    filter, read.Value, completed),
                CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogExportNotRecorded(logger, exception, tenantId);
            context.Abort();
        }

        return TypedResults.Empty;
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
