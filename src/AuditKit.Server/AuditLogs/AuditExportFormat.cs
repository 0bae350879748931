namespace AuditKit.Server.AuditLogs;

/// <summary>The formats of <c>GET /api/v1/audit-logs/export</c>.</summary>
internal enum AuditExportFormat
{
    /// <summary>One JSON array of events (<c>application/json</c>).</summary>
    Json = 0,

    /// <summary>One event per line (<c>application/x-ndjson</c>).</summary>
    Ndjson = 1,

    /// <summary>RFC 4180 CSV with a header row (<c>text/csv</c>), formula-injection safe.</summary>
    Csv = 2,
}
