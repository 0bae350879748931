using Microsoft.Extensions.Logging;

namespace AuditKit.Middleware;

/// <summary>The auditing middleware's log messages, source-generated so a disabled level costs nothing.</summary>
internal static partial class AuditingLog
{
    // Debug, not Warning: the sink has already logged and counted the loss, and a full channel would otherwise
    // turn every request into a warning.
    [LoggerMessage(LoggerEventIds.SinkRejected, LogLevel.Debug, "The audit sink did not take the {Source} event {AuditEventId} ({Action}).", EventName = "SinkRejected")]
    public static partial void SinkRejected(ILogger logger, string source, Guid auditEventId, string action);

    [LoggerMessage(LoggerEventIds.SinkFailed, LogLevel.Warning, "The audit sink threw while taking the {Source} event {AuditEventId} ({Action}); the event is lost.", EventName = "SinkFailed")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string source, Guid auditEventId, string action);

    [LoggerMessage(LoggerEventIds.RecordingFailed, LogLevel.Error, "Recording the audit event of {Method} {Path} failed; the response is unaffected.", EventName = "RecordingFailed")]
    public static partial void RecordingFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(LoggerEventIds.EnricherFailed, LogLevel.Warning, "The audit enricher {Enricher} threw; the event is written without its changes.", EventName = "EnricherFailed")]
    public static partial void EnricherFailed(ILogger logger, Exception exception, string enricher);

    [LoggerMessage(LoggerEventIds.TenantResolverFailed, LogLevel.Warning, "The audit tenant resolver {Resolver} threw; the event is written without a tenant.", EventName = "TenantResolverFailed")]
    public static partial void TenantResolverFailed(ILogger logger, Exception exception, string resolver);
}
