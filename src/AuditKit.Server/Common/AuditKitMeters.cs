namespace AuditKit.Server.Common;

/// <summary>The name of the meter that ingest and detection share (storage has its own).</summary>
internal static class AuditKitMeters
{
    public const string Server = "AuditKit.Server";
}
