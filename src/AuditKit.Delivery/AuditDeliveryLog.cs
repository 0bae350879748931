using System.Net;
using Microsoft.Extensions.Logging;

namespace AuditKit.Delivery;

/// <summary>The delivery pipeline's log messages (event ids 5100–5199).</summary>
internal static partial class AuditDeliveryLog
{
    [LoggerMessage(5100, LogLevel.Warning, "Audit channel full: {Dropped} event(s) dropped ({Backlog} waiting). The server or the spool cannot keep up.")]
    public static partial void DroppedChannelFull(ILogger logger, long dropped, int backlog);

    [LoggerMessage(5101, LogLevel.Warning, "{Dropped} audit event(s) written after the delivery pipeline shut down were dropped.")]
    public static partial void DroppedAfterShutdown(ILogger logger, long dropped);

    [LoggerMessage(5102, LogLevel.Warning, "Audit event {EventId} is invalid and was dead-lettered: {Errors}")]
    public static partial void InvalidEvent(ILogger logger, Guid eventId, string errors);

    [LoggerMessage(5103, LogLevel.Warning, "The audit server could not be reached ({Detail}); {Events} event(s) will be spooled and replayed.")]
    public static partial void ServerUnavailable(ILogger logger, string? detail, int events);

    [LoggerMessage(5104, LogLevel.Error, "The audit server refused the API key with {StatusCode} ({Cause}); sending is paused for {Pause} and events are spooled. Check AuditKit:ApiKey.")]
    public static partial void Unauthorized(ILogger logger, int statusCode, string cause, TimeSpan pause);

    [LoggerMessage(5105, LogLevel.Error, "The audit server refused a batch of {Events} event(s) with {StatusCode}: {Detail}. The batch was dead-lettered and will not be retried.")]
    public static partial void BatchRefused(ILogger logger, int events, int statusCode, string? detail);

    [LoggerMessage(5106, LogLevel.Warning, "The audit server rejected {Rejected} of {Events} event(s); they were dead-lettered and will not be retried.")]
    public static partial void ItemsRejected(ILogger logger, int rejected, int events);

    [LoggerMessage(5107, LogLevel.Warning, "The audit server's answer to a batch could not be read ({Detail}); the batch is counted as delivered.")]
    public static partial void UnreadableBatchResult(ILogger logger, string detail);

    [LoggerMessage(5108, LogLevel.Warning, "Audit delivery shutdown deadline of {Deadline} reached; {Events} undelivered event(s) were spooled.")]
    public static partial void ShutdownSpooled(ILogger logger, TimeSpan deadline, long events);

    [LoggerMessage(5109, LogLevel.Error, "{Events} audit event(s) could not be delivered nor spooled and were lost ({Reason}).")]
    public static partial void Lost(ILogger logger, int events, string reason, Exception? exception);

    [LoggerMessage(5110, LogLevel.Error, "The audit dead-letter file {Path} could not be written.")]
    public static partial void DeadLetterFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(5111, LogLevel.Information, "IAuditSink is not the AuditKit delivery pipeline; the background sender is not started.")]
    public static partial void PipelineNotInUse(ILogger logger);

    [LoggerMessage(5112, LogLevel.Information, "Audit spool: replaying {Batches} batch(es) spooled earlier from {Directory}.")]
    public static partial void SpoolRecovered(ILogger logger, int batches, string directory);

    [LoggerMessage(5113, LogLevel.Warning, "Audit spool segment {Path} is damaged at offset {Offset} ({Cause}); the rest of that segment is skipped.")]
    public static partial void SpoolSegmentDamaged(ILogger logger, string path, long offset, string cause);

    [LoggerMessage(5114, LogLevel.Warning, "Audit spool reached its cap of {MaxBytes} bytes: dropped the oldest {Events} spooled event(s).")]
    public static partial void SpoolCapDropped(ILogger logger, long maxBytes, int events);

    [LoggerMessage(5115, LogLevel.Error, "The audit spool in {Directory} failed.")]
    public static partial void SpoolFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(5116, LogLevel.Information, "The audit server is reachable again; replaying the spool.")]
    public static partial void Recovered(ILogger logger);

    [LoggerMessage(5117, LogLevel.Error, "A batch of {Events} audit event(s) could not be written ahead to the spool; it is sent from memory and lost if the application stops before the server takes it.")]
    public static partial void WriteAheadFailed(ILogger logger, int events, Exception exception);

    [LoggerMessage(5118, LogLevel.Warning, "AuditKit:ServerUrl {ServerUrl} is plain http to another machine: the API key and every audit event cross the network unencrypted. Use an https:// address.")]
    public static partial void PlainHttpServer(ILogger logger, Uri serverUrl);

    public static string Cause(HttpStatusCode? status) => status switch
    {
        HttpStatusCode.Unauthorized => "the API key is missing or unknown",
        HttpStatusCode.Forbidden => "the API key lacks the ingest role or the tenant is not allowed",
        _ => "authorization failed",
    };
}
