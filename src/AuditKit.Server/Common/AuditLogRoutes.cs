namespace AuditKit.Server.Common;

/// <summary>The resource path that ingest (writes) and the audit log queries (reads) share.</summary>
internal static class AuditLogRoutes
{
    public const string Prefix = "/api/v1/audit-logs";
}
