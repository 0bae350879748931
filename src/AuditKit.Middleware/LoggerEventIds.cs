namespace AuditKit.Middleware;

/// <summary>The event ids of the auditing middleware's own log messages (see <see cref="AuditingLog"/>); stable, so alerts can key on them.</summary>
internal static class LoggerEventIds
{
    public const int SinkRejected = 1;
    public const int SinkFailed = 2;
    public const int RecordingFailed = 3;
    public const int EnricherFailed = 4;
    public const int TenantResolverFailed = 5;
}
