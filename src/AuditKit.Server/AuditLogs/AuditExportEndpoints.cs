using System.ComponentModel;
using AuditKit.Server.Admin;
using AuditKit.Server.Auth;

namespace AuditKit.Server.AuditLogs;

/// <summary>
/// <c>GET /api/v1/audit-logs/export?format=json|ndjson|csv</c>: every event of the tenant matching the list's filters,
/// in the list's order, streamed from the database to the client as it is read (flat memory, whatever the size), as
/// an attachment. Paging parameters do not apply: an export is everything the filter matches.
/// </summary>
internal static class AuditExportEndpoints
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
        IOptions<AuditKitServerOptions> options,
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

        await AuditExporter.ExportAsync(
            context, AuditCaller.From(context.User), query, exportFormat, AuditedRead.Filter(context.Request), cancellationToken);
        return TypedResults.Empty;
    }
}
