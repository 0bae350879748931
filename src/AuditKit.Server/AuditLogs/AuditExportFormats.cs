namespace AuditKit.Server.AuditLogs;

/// <summary>The wire names, media types and file extensions of the <see cref="AuditExportFormat"/>s.</summary>
internal static class AuditExportFormats
{
    public const string Names = "json, ndjson, csv";

    public static bool TryParse(string? text, out AuditExportFormat format)
    {
        (var found, format) = text?.Trim().ToLowerInvariant() switch
        {
            null or "" or "json" => (true, AuditExportFormat.Json),
            "ndjson" or "jsonl" => (true, AuditExportFormat.Ndjson),
            "csv" => (true, AuditExportFormat.Csv),
            _ => (false, default),
        };
        return found;
    }

    public static string ContentType(this AuditExportFormat format) => format switch
    {
        AuditExportFormat.Ndjson => "application/x-ndjson; charset=utf-8",
        AuditExportFormat.Csv => "text/csv; charset=utf-8; header=present",
        _ => "application/json; charset=utf-8",
    };

    public static string Extension(this AuditExportFormat format) => format switch
    {
        AuditExportFormat.Ndjson => "ndjson",
        AuditExportFormat.Csv => "csv",
        _ => "json",
    };
}
