using AuditKit.Server.Admin;
using AuditKit.Server.AuditLogs;

namespace AuditKit.Server.Console.Pages;

/// <summary>
/// <c>POST /console/{tenant}/events/export</c>: every event matching the Events page's filter (in the query string, as
/// on the page), as CSV, NDJSON or JSON, through the API export's own code path (<see cref="AuditExporter"/>): the
/// API's parser, the same streamed store read and writers, and the same <c>EXPORT</c> record — under the person. A
/// POST with the antiforgery token, so that a link elsewhere cannot make a signed-in browser export.
/// </summary>
internal sealed class ExportModel(IOptions<AuditKitServerOptions> options, TimeProvider timeProvider) : ConsoleTenantPageModel
{
    [BindProperty(SupportsGet = true)]
    public ConsoleEventFilter Filter { get; set; } = new();

    [BindProperty(Name = "format")]
    public string? Format { get; set; }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>The export is a form post; a GET goes back to the Events page with the same filter.</summary>
    public IActionResult OnGet() => LocalRedirect(ConsoleUrls.WithQuery(Url.Page("/Events", new { tenant = TenantId })!, Filter.RouteValues(null)));

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Format) || !AuditExportFormats.TryParse(Format, out var format))
        {
            Errors["format"] = [$"must be one of {AuditExportFormats.Names}."];
            format = AuditExportFormat.Json;
        }

        var parameters = Filter.ToQueryParameters(timeProvider.GetUtcNow(), EventsModel.PageSize, Errors);
        if (!AuditQueryParser.TryParse(parameters, options.Value, out var query, out var errors))
        {
            foreach (var (field, messages) in errors)
            {
                Errors[field] = messages;
            }
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        await AuditExporter.ExportAsync(HttpContext, Caller, query, format, AuditedRead.Filter(Request), cancellationToken);
        return new EmptyResult();
    }
}
