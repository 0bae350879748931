using Microsoft.Extensions.Logging;

namespace AuditKit.EfCore;

/// <summary>The interceptor's log messages, source-generated.</summary>
internal static partial class EfCoreAuditLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Error,
        Message = "Auditing could not capture the changes of a SaveChanges on {ContextType}; the save goes ahead unaudited.")]
    public static partial void CaptureFailed(this ILogger logger, Exception exception, string contextType);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error,
        Message = "Auditing could not build the events of a SaveChanges on {ContextType}; its changes are saved but not audited.")]
    public static partial void BuildFailed(this ILogger logger, Exception exception, string contextType);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Auditing could not read the database values of {EntityType} attached with Update(); its event lists new values only.")]
    public static partial void ReloadFailed(this ILogger logger, Exception exception, string entityType);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug,
        Message = "Discarded {Count} audit events of work that did not commit ({Reason}).")]
    public static partial void EventsDiscarded(this ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error,
        Message = "Auditing could not record a {Operation} command on {ContextType}.")]
    public static partial void BulkCaptureFailed(this ILogger logger, Exception exception, string operation, string contextType);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning,
        Message = "The audit sink refused {Count} EF Core events; they are lost (the sink has counted them).")]
    public static partial void SinkRefused(this ILogger logger, int count);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error,
        Message = "The audit sink threw while taking an EF Core event; the event is lost and the save is unaffected.")]
    public static partial void SinkFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning,
        Message = "EF Core {EfCoreVersion} lacks or has changed EF Core internals that auditing uses for speed ({Missing}); " +
            "auditing goes on through EF Core's public interceptors and diagnostic events, with the same events at some extra cost " +
            "per save. AuditKit.EfCore supports EF Core {SupportedRange}.")]
    public static partial void EfCoreInternalsUnavailable(this ILogger logger, string efCoreVersion, string missing, string supportedRange);
}
